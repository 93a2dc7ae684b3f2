/**
 * What a provider adapter implements: translation between the common types and
 * its wire format, nothing else. Validation, retries, polling, events and result
 * normalisation happen in `createProvider` (provider.ts).
 */
import type { z } from 'zod';
import type { PictorError } from './errors.ts';
import type { PreparedRequest } from './prepare.ts';
import type { ContentFilterEntry, ModelSpec, TaskHandle, TaskStatus, Warning } from './types.ts';

export interface AdapterCallContext {
  readonly signal?: AbortSignal | undefined;
  /** 1 for the first attempt, 2+ for retries. */
  readonly attempt: number;
}

/** An image as the provider returned it; core fills in width and height. */
export interface AdapterImage {
  readonly url: string;
  readonly mediaType?: string | undefined;
  readonly expiresAt?: string | undefined;
}

/** A finished generation in provider terms. */
export interface AdapterOutput {
  readonly images: readonly AdapterImage[];
  readonly requestId?: string | undefined;
  /** ISO time the provider created the images. */
  readonly createdAt?: string | undefined;
  readonly contentFilter?: readonly ContentFilterEntry[] | undefined;
  /** Settings the backend itself reported it could not honour (e.g. an AI SDK model's warnings). */
  readonly warnings?: readonly Warning[] | undefined;
  readonly raw: unknown;
}

export interface AdapterAccepted {
  readonly taskId: string;
  readonly requestId?: string | undefined;
  readonly raw: unknown;
}

/** A status read in provider terms: a TaskStatus with the provider's output in place of the finished result. */
export type AdapterStatus = Pick<TaskStatus, 'state' | 'progress' | 'etaMs' | 'error'> & {
  /** Present when state is 'succeeded'. */
  readonly output?: AdapterOutput | undefined;
  readonly raw: unknown;
};

export interface ProviderAdapter<ProviderOptions = Record<string, unknown>> {
  readonly id: string;
  readonly models: Readonly<Record<string, ModelSpec>>;
  /** Validates `providerOptions[id]`; other providers' namespaces are never seen. */
  readonly providerOptionsSchema?: z.ZodType<ProviderOptions> | undefined;
  /** One sync generation request (models with 'sync' in modes). */
  generateSync?(request: PreparedRequest<ProviderOptions>, context: AdapterCallContext): Promise<AdapterOutput>;
  /** One async submit (models with 'async' in modes). */
  submitAsync?(request: PreparedRequest<ProviderOptions>, context: AdapterCallContext): Promise<AdapterAccepted>;
  /** One status read of an async task. */
  readStatus?(handle: TaskHandle, context: AdapterCallContext): Promise<AdapterStatus>;
}
