/**
 * The heavy core: turns a small ProviderAdapter into a full ImageProvider with
 * validation before any request, stage-scoped retries, one polling engine,
 * lifecycle events and one normalised result type.
 */
import type { AdapterOutput, AdapterStatus, ProviderAdapter } from './adapter.ts';
import { PictorError, abortedError, toPictorError, invalidRequest, invalidResponse, taskFailed } from './errors.ts';
import { isLoopbackURL, markLoopbackImages } from './download-policy.ts';
import { costOf } from './cost.ts';
import { emit, type PictorEventListener } from './events.ts';
import { DurationRegistry } from './duration-registry.ts';
import { parseTaskHandle } from './handle.ts';
import { pollUntilDone, type PollOptions } from './poll.ts';
import { findModel, prepareRequest, type PreparedRequest } from './prepare.ts';
import type { ImageRequest } from './request.ts';
import type { Redactor } from './redact.ts';
import { withRetry, type RetryContext, type RetryOptions } from './retry.ts';
import { isoAfter } from './time.ts';
import type { CallOptions, GeneratedImage, ImageProvider, ImageResult, ModelSpec, TaskHandle, TaskStatus, WaitOptions } from './types.ts';

export interface ProviderDefaults {
  readonly retry?: RetryOptions | undefined;
  readonly poll?: PollOptions | undefined;
  readonly strict?: boolean | undefined;
  /** Removes this provider's key from every error it lets out (an HTTP adapter passes `http.redactor`). */
  readonly redactor?: Redactor | undefined;
  /** The provider's base URL: when it is loopback, its images may be downloaded from loopback. */
  readonly baseURL?: string | undefined;
  /** Learned task durations that plan the polling; shared only if you pass one. @default a new DurationRegistry per provider */
  readonly durations?: DurationRegistry | undefined;
}

export function createProvider<ProviderOptions = Record<string, unknown>>(
  adapter: ProviderAdapter<ProviderOptions>,
  defaults: ProviderDefaults = {},
): ImageProvider {
  const id = adapter.id;
  const redact = (error: PictorError): PictorError => (defaults.redactor ? defaults.redactor.error(error) : error);
  // Images of a provider on loopback (the emulator) may be downloaded from loopback: see download-policy.ts.
  const local = isLoopbackURL(defaults.baseURL);
  const marked = (result: ImageResult): ImageResult => {
    if (local) markLoopbackImages(result.images);
    return result;
  };
  const durations = defaults.durations ?? new DurationRegistry();

  const retryFor = (options: CallOptions | undefined): RetryOptions => ({
    submit: { ...defaults.retry?.submit, ...options?.retry?.submit },
    status: { ...defaults.retry?.status, ...options?.retry?.status },
  });

  const prepare = (request: ImageRequest, options: CallOptions | undefined) =>
    prepareRequest(request, {
      providerId: id,
      models: adapter.models,
      providerOptionsSchema: adapter.providerOptionsSchema,
      strict: options?.strict ?? defaults.strict,
    });

  const specFor = (handle: TaskHandle): ModelSpec => {
    if (handle.provider !== id) {
      throw invalidRequest(`This handle belongs to provider "${handle.provider}", not "${id}": resume it with that provider`, { provider: id });
    }
    return findModel(id, adapter.models, handle.model);
  };

  async function submitPrepared(
    prepared: PreparedRequest<ProviderOptions>,
    options: CallOptions | undefined,
  ): Promise<{ handle: TaskHandle; attempts: number }> {
    const submittedAt = new Date().toISOString();
    const common = {
      stage: 'submit' as const,
      provider: id,
      model: prepared.model,
      policy: retryFor(options).submit,
      signal: options?.signal,
      onEvent: options?.onEvent,
    };
    const base = {
      version: 1 as const,
      provider: id,
      model: prepared.model,
      mode: prepared.mode,
      submittedAt,
      size: prepared.size,
      quality: prepared.quality,
      n: prepared.n,
      ...(prepared.warnings.length > 0 ? { warnings: prepared.warnings } : {}),
      ...(options?.traceparent ? { traceparent: options.traceparent } : {}),
    };
    let handle: TaskHandle;
    let attempts: number;
    if (prepared.mode === 'sync') {
      const generateSync = adapter.generateSync;
      if (!generateSync) throw missing('generateSync', prepared.model);
      const outcome = await withRetry((attempt) => generateSync(prepared, { signal: options?.signal, attempt }), common);
      attempts = outcome.attempts;
      const taskId = outcome.value.requestId ?? `sync-${randomId()}`;
      const provisional: TaskHandle = { ...base, taskId, requestId: outcome.value.requestId };
      const result = buildResult(provisional, prepared.spec, outcome.value, { statusRequests: 0, attempts });
      handle = { ...provisional, result };
    } else {
      const submitAsync = adapter.submitAsync;
      if (!submitAsync) throw missing('submitAsync', prepared.model);
      const outcome = await withRetry((attempt) => submitAsync(prepared, { signal: options?.signal, attempt }), common);
      attempts = outcome.attempts;
      if (!outcome.value.taskId) {
        // Accepted, but with nothing to poll: the task may exist, so this is not a safe retry.
        throw invalidResponse(`${id} accepted the submit but returned an empty task id; the task may exist: check the provider console`, {
          provider: id,
          submitOutcome: 'unknown',
        });
      }
      handle = { ...base, taskId: outcome.value.taskId, requestId: outcome.value.requestId };
    }
    emit(options?.onEvent, { type: 'submitted', provider: id, model: prepared.model, handle });
    return { handle, attempts };
  }

  /** One call's context for status reads, built once per wait rather than once per read. */
  const statusContext = (handle: TaskHandle, options: CallOptions | undefined): RetryContext => ({
    stage: 'status',
    provider: id,
    model: handle.model,
    policy: retryFor(options).status,
    signal: options?.signal,
    onEvent: options?.onEvent,
  });

  async function readOnce(handle: TaskHandle, spec: ModelSpec, context: RetryContext, reads: number): Promise<TaskStatus> {
    if (handle.result) return { state: 'succeeded', result: marked(handle.result) };
    const readStatus = adapter.readStatus;
    if (!readStatus) throw missing('readStatus', handle.model);
    const outcome = await withRetry((attempt) => readStatus(handle, { signal: context.signal, attempt }), context);
    return toTaskStatus(handle, spec, outcome.value, reads);
  }

  function toTaskStatus(handle: TaskHandle, spec: ModelSpec, status: AdapterStatus, reads: number): TaskStatus {
    const progress = status.progress;
    const etaMs = status.etaMs;
    if (status.state === 'succeeded') {
      if (!status.output) {
        return failedStatus(invalid(`${id} reported task ${handle.taskId} succeeded without an output`, handle));
      }
      try {
        return { state: 'succeeded', result: buildResult(handle, spec, status.output, { statusRequests: reads, attempts: 1 }) };
      } catch (error) {
        return failedStatus(toPictorError(error, id));
      }
    }
    if (status.state === 'failed') {
      const error =
        status.error ??
        taskFailed(`${id} task ${handle.taskId} failed`, { provider: id });
      return failedStatus(error.handle ? error : error.with({ handle }));
    }
    return { state: status.state, progress, etaMs };
  }

  function buildResult(
    handle: TaskHandle,
    spec: ModelSpec,
    output: AdapterOutput,
    counts: { statusRequests: number; attempts: number },
  ): ImageResult {
    if (output.images.length === 0) {
      throw invalid(`${id} answered success with no images for ${handle.model}: treated as a failure`, handle);
    }
    const createdAt = output.createdAt ?? new Date().toISOString();
    // An unusable createdAt or TTL leaves the expiry unknown rather than throwing "Invalid time value".
    const ttlExpiry = spec.urlTtlMs !== undefined ? isoAfter(createdAt, spec.urlTtlMs) : undefined;
    const images: GeneratedImage[] = output.images.map((image) => ({
      url: image.url,
      mediaType: image.mediaType ?? guessMediaType(image.url),
      width: handle.size.width,
      height: handle.size.height,
      expiresAt: image.expiresAt ?? ttlExpiry,
    }));
    return marked({
      provider: id,
      model: handle.model,
      images,
      size: handle.size,
      quality: handle.quality,
      taskId: handle.mode === 'async' ? handle.taskId : undefined,
      requestId: output.requestId ?? handle.requestId,
      createdAt,
      contentFilter: output.contentFilter,
      warnings: output.warnings?.length ? [...(handle.warnings ?? []), ...output.warnings] : (handle.warnings ?? []),
      cost: costOf(spec, images.length),
      timings: {
        submittedAt: handle.submittedAt,
        completedAt: new Date().toISOString(),
        statusRequests: counts.statusRequests,
        attempts: counts.attempts,
      },
      raw: output.raw,
    });
  }

  async function waitFor(handle: TaskHandle, options: WaitOptions | undefined, submitAttempts: number): Promise<ImageResult> {
    const spec = specFor(handle);
    if (handle.result) return marked(handle.result);
    const listener: PictorEventListener | undefined = options?.onEvent;
    const elapsedMs = Math.max(0, Date.now() - Date.parse(handle.submittedAt));
    const context = statusContext(handle, options);
    const poll = { ...defaults.poll, ...options?.poll };
    // A server running at another pace than the real model (the emulator) says so with poll.typicalDurationMs.
    const paceMs = poll.typicalDurationMs ?? spec.typicalDurationMs;
    let reads = 0;
    let readStartedAt = 0;
    const { status } = await pollUntilDone({
      read: async () => {
        if (listener) readStartedAt = Date.now();
        try {
          return await readOnce(handle, spec, context, reads + 1);
        } catch (error) {
          // Keep the handle on every error so the caller can resume instead of resubmitting.
          const pictorError = toPictorError(error, id);
          throw pictorError.handle ? pictorError : pictorError.with({ handle });
        }
      },
      typicalDurationMs: paceMs,
      durations: durations.sketch(id, handle.model, paceMs),
      elapsedMs,
      options: poll,
      signal: options?.signal,
      onStatus: (s, n) => {
        reads = n;
        if (listener) emit(listener, {
          type: 'status',
          provider: id,
          model: handle.model,
          taskId: handle.taskId,
          state: s.state,
          progress: s.progress,
          etaMs: s.etaMs,
          statusRequests: n,
          durationMs: Date.now() - readStartedAt,
        });
      },
      onDeadline: (n, timeoutMs) =>
        new PictorError({
          kind: 'timeout',
          provider: id,
          retryable: false,
          handle,
          message: `${id} task ${handle.taskId} did not finish within ${timeoutMs} ms (${n} status reads); it may still complete: resume it with wait(handle)`,
        }),
    }).catch((error: unknown) => {
      if (options?.signal?.aborted) throw abortedError(options.signal, id, handle);
      throw error;
    });
    if (status.state === 'failed' || !status.result) {
      throw status.error ?? invalid(`${id} task ${handle.taskId} ended without a result`, handle);
    }
    return {
      ...status.result,
      timings: { ...status.result.timings, statusRequests: reads, attempts: submitAttempts },
    };
  }

  /** Emits 'completed' for a call's result (a listener is optional). */
  const completed = (options: CallOptions | undefined, result: ImageResult): ImageResult => {
    if (options?.onEvent) emit(options.onEvent, { type: 'completed', provider: id, model: result.model, result });
    return result;
  };

  /** Normalises a call's failure and emits 'failed' once; the caller rethrows it. */
  const failed = (options: CallOptions | undefined, model: string, error: unknown): PictorError => {
    const pictorError = redact(options?.signal?.aborted ? abortedError(options.signal, id, (error as PictorError)?.handle) : toPictorError(error, id));
    if (options?.onEvent) emit(options.onEvent, { type: 'failed', provider: id, model, error: pictorError });
    return pictorError;
  };

  const requestedModel = (request: ImageRequest) =>
    (request as { model?: unknown })?.model && typeof (request as { model?: unknown }).model === 'string'
      ? (request.model as string)
      : (Object.keys(adapter.models)[0] ?? 'unknown');

  // Each method is one async function with its own try/catch, rather than a wrapper taking a
  // closure: with thousands of calls in flight, every extra frame is held per call (bench/scale).
  return {
    id,
    models: adapter.models,
    async generate(request, options) {
      try {
        // `prepared` is not kept in a local: it is not needed once the task is accepted.
        const { handle, attempts } = await submitPrepared(prepare(request, options), options);
        return completed(options, handle.result ?? (await waitFor(handle, options, attempts)));
      } catch (error) {
        throw failed(options, requestedModel(request), error);
      }
    },
    async submit(request, options) {
      try {
        return (await submitPrepared(prepare(request, options), options)).handle;
      } catch (error) {
        throw failed(options, requestedModel(request), error);
      }
    },
    async status(input, options) {
      try {
        const handle = parseTaskHandle(input);
        const status = await readOnce(handle, specFor(handle), statusContext(handle, options), 1);
        return status.error ? { ...status, error: redact(status.error) } : status;
      } catch (error) {
        throw failed(options, (input as TaskHandle)?.model ?? 'unknown', error);
      }
    },
    async wait(input, options) {
      try {
        return completed(options, await waitFor(parseTaskHandle(input), options, 1));
      } catch (error) {
        throw failed(options, (input as TaskHandle)?.model ?? 'unknown', error);
      }
    },
  };

  function missing(method: string, model: string): PictorError {
    return invalidRequest(`${id} declares ${model} but implements no ${method}`, { provider: id });
  }

  function invalid(message: string, handle: TaskHandle): PictorError {
    return invalidResponse(message, { provider: id, handle });
  }
}

function failedStatus(error: PictorError): TaskStatus {
  return { state: 'failed', error };
}

function randomId(): string {
  return globalThis.crypto.randomUUID();
}

/** Media type from a URL's extension or data: prefix, when the provider didn't say. */
export function guessMediaType(url: string): string | undefined {
  const data = /^data:([^;,]+)/.exec(url);
  if (data) return data[1];
  const ext = /\.(png|jpe?g|webp|gif)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  if (!ext) return undefined;
  return ext === 'jpg' || ext === 'jpeg' ? 'image/jpeg' : `image/${ext}`;
}
