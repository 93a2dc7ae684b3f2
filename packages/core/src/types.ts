/**
 * The contract every provider fulfils, and the plain-data types that cross it.
 * Everything here is JSON-serialisable on purpose: a TaskHandle written to disk
 * by one process is resumed by another.
 */
import type { PictorError } from './errors.ts';
import type { PictorEventListener } from './events.ts';
import type { DurationRegistry } from './duration-registry.ts';
import type { PollOptions } from './poll.ts';
import type { RetryOptions } from './retry.ts';
import type { Size, SizeRule } from './sizes.ts';
import type { ImageRequest } from './request.ts';

export type Mode = 'sync' | 'async';

/** A model's capabilities as data: validation, failover filtering and cost estimates read it. */
export interface ModelSpec {
  readonly id: string;
  readonly sizes: SizeRule;
  readonly qualities: readonly string[];
  readonly defaultQuality: string;
  readonly modes: readonly Mode[];
  /** The mode `generate` uses when the request does not name one. */
  readonly defaultMode: Mode;
  /** Images one call can return; larger `n` is refused (each image is billed). */
  readonly maxImagesPerCall: number;
  readonly maxPromptLength: number;
  /**
   * USD per image as the provider publishes it (results say `basis: 'published'`); undefined when
   * no price is published (`basis: 'unknown'`). A deployment's own price goes in the client config's `prices`.
   */
  readonly pricePerImageUsd?: number | undefined;
  /** How long a generation usually takes; shapes the first poll. */
  readonly typicalDurationMs: number;
  /** How long the returned image URL stays valid, when the provider says. */
  readonly urlTtlMs?: number | undefined;
  readonly supports: {
    readonly seed: boolean;
    readonly watermark: boolean;
    readonly userId: boolean;
  };
}

/** A setting the model could not honour, reported instead of silently dropped. */
export interface Warning {
  readonly type: 'unsupported' | 'adjusted' | 'skipped' | 'other';
  readonly feature?: string | undefined;
  readonly message: string;
}

export interface GeneratedImage {
  /** http(s) URL from the provider, or a data: URL (mock). Possibly temporary: see expiresAt. */
  readonly url: string;
  readonly mediaType: string | undefined;
  readonly width: number;
  readonly height: number;
  /** ISO time after which the URL stops working, when known. */
  readonly expiresAt: string | undefined;
}

export interface ContentFilterEntry {
  readonly role: string;
  readonly level: number;
}

export interface ImageResult {
  readonly provider: string;
  readonly model: string;
  readonly images: readonly GeneratedImage[];
  /** The size that was applied (after aspect-ratio resolution). */
  readonly size: Size;
  readonly quality: string;
  readonly taskId: string | undefined;
  readonly requestId: string | undefined;
  /** ISO time the provider created the images (or Pictor received them). */
  readonly createdAt: string;
  readonly contentFilter: readonly ContentFilterEntry[] | undefined;
  readonly warnings: readonly Warning[];
  /** What the call cost and on what basis; `usd` is undefined when no price is known, never a silent 0. */
  readonly cost: Cost;
  readonly timings: {
    readonly submittedAt: string;
    readonly completedAt: string;
    readonly statusRequests: number;
    readonly attempts: number;
  };
  /** The last provider response body, for anything Pictor does not normalise. */
  readonly raw: unknown;
}

/**
 * Where a result's price comes from: the model's published price, the deployment's configured
 * price (client config `prices`), or nowhere (then `usd` is undefined).
 */
export type CostBasis = 'published' | 'configured' | 'unknown';

export type Cost =
  | { readonly images: number; readonly basis: 'published' | 'configured'; readonly usdPerImage: number; readonly usd: number }
  | { readonly images: number; readonly basis: 'unknown'; readonly usdPerImage: undefined; readonly usd: undefined };

/**
 * Plain JSON describing an accepted task. Save it; `wait(handle)` in any process
 * resumes polling without submitting again. For a sync call it carries the result.
 */
export interface TaskHandle {
  readonly version: 1;
  readonly provider: string;
  readonly model: string;
  readonly taskId: string;
  readonly mode: Mode;
  readonly submittedAt: string;
  readonly requestId?: string | undefined;
  readonly size: Size;
  readonly quality: string;
  readonly n: number;
  readonly warnings?: readonly Warning[] | undefined;
  readonly result?: ImageResult | undefined;
  /**
   * W3C traceparent of the call that submitted the task (set from `CallOptions.traceparent`), so a
   * wait resumed later, in any process, can link its trace to the submit. Pictor never reads it.
   */
  readonly traceparent?: string | undefined;
}

export type TaskState = 'queued' | 'running' | 'succeeded' | 'failed';

export interface TaskStatus {
  readonly state: TaskState;
  /** 0..100 when the provider reports it. */
  readonly progress?: number | undefined;
  /** Milliseconds until the provider expects the task to finish. */
  readonly etaMs?: number | undefined;
  readonly result?: ImageResult | undefined;
  /** Present when state is 'failed'. */
  readonly error?: PictorError | undefined;
}

export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
  /** Receives this call's lifecycle events; a throwing listener is ignored. */
  readonly onEvent?: PictorEventListener | undefined;
  /** Stage-scoped retry policies; see retry.ts. */
  readonly retry?: RetryOptions | undefined;
  /** Turn 'unsupported' warnings into invalid_request errors. */
  readonly strict?: boolean | undefined;
  /**
   * W3C traceparent recorded in the handle of a task this call submits (see `TaskHandle.traceparent`);
   * set by tracing integrations such as `@pictor/otel`.
   * @default undefined (the handle carries none)
   */
  readonly traceparent?: string | undefined;
}

export interface WaitOptions extends CallOptions {
  readonly poll?: PollOptions | undefined;
}

export interface ImageProvider {
  readonly id: string;
  readonly models: Readonly<Record<string, ModelSpec>>;
  /** Submit and wait: the one call that works for every model and mode. */
  generate(request: ImageRequest, options?: WaitOptions): Promise<ImageResult>;
  /** Returns as soon as the provider accepted the task (sync models: once done). */
  submit(request: ImageRequest, options?: CallOptions): Promise<TaskHandle>;
  /** One status read. */
  status(handle: TaskHandle, options?: CallOptions): Promise<TaskStatus>;
  /** Polls until the task ends; resumes a handle from another process. */
  wait(handle: TaskHandle, options?: WaitOptions): Promise<ImageResult>;
}
