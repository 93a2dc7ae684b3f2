/**
 * Sending a prepared request: a sync generation (the handle then carries its result) or an
 * async submit (the handle carries the task id to poll). Each with the submit stage's retries.
 */
import { invalidResponse } from './errors.ts';
import { emit } from './events.ts';
import type { PreparedRequest } from './prepare.ts';
import { missing, retryPolicy, type ProviderContext } from './provider-context.ts';
import { buildResult } from './provider-result.ts';
import { retryAfterFailure, withRetry, type RetryContext, type RetryOutcome } from './retry.ts';
import { nowIso } from './time.ts';
import type { CallOptions, TaskHandle } from './types.ts';

export interface Submitted {
  readonly handle: TaskHandle;
  readonly attempts: number;
}

export function submitPrepared<ProviderOptions>(
  context: ProviderContext<ProviderOptions>,
  prepared: PreparedRequest<ProviderOptions>,
  options: CallOptions | undefined,
): Promise<Submitted> {
  // Not async itself: the mode's own async function is the only frame a pending call holds.
  return prepared.mode === 'sync' ? generateSync(context, prepared, options) : submitAsync(context, prepared, options);
}

type Attempt<T> = (prepared: PreparedRequest<any>, call: { signal: AbortSignal | undefined; attempt: number }) => Promise<T>;

/**
 * The submit with its stage's retries. A first attempt that succeeds (nearly every call) is the
 * adapter's promise awaited directly: no withRetry frame, retry context or closures per call
 * (bench/overhead-ladder.ts). A failure goes to retryAfterFailure (retry.ts), so every decision
 * after it (abort, shouldRetry, never repeating an unknown outcome, backoff, the final error) is
 * withRetry's, exactly as before; a listener (it times each attempt) takes withRetry from the start.
 * Every attempt gets the same `prepared` object, which is how an adapter reuses its request id.
 */
async function attempted<T>(
  context: ProviderContext<any>,
  prepared: PreparedRequest<any>,
  options: CallOptions | undefined,
  send: Attempt<T>,
): Promise<RetryOutcome<T>> {
  const signal = options?.signal;
  if (!options?.onEvent) {
    try {
      return { value: await send(prepared, { signal, attempt: 1 }), attempts: 1 };
    } catch (error) {
      return retryAfterFailure(error, (attempt) => send(prepared, { signal, attempt }), submitRetry(context, prepared, options));
    }
  }
  return withRetry((attempt) => send(prepared, { signal, attempt }), submitRetry(context, prepared, options));
}

/** The submit stage's retry context, built only when a retry may happen. */
function submitRetry(context: ProviderContext<any>, prepared: PreparedRequest<any>, options: CallOptions | undefined): RetryContext {
  return {
    stage: 'submit',
    provider: context.id,
    model: prepared.model,
    policy: retryPolicy(context, 'submit', options),
    signal: options?.signal,
    onEvent: options?.onEvent,
  };
}

/** Emits 'submitted' (when someone listens) and returns the submit's outcome. */
function submitted(context: ProviderContext<any>, options: CallOptions | undefined, handle: TaskHandle, attempts: number): Submitted {
  if (options?.onEvent) emit(options.onEvent, { type: 'submitted', provider: context.id, model: handle.model, handle });
  return { handle, attempts };
}

type HandleDraft = { -readonly [K in keyof TaskHandle]: TaskHandle[K] };

/**
 * A new handle, its fields in the order a serialised handle has always had them. Built as one
 * object filled in place rather than spread three times (base, task id, result) on every call.
 */
function newHandle(
  context: ProviderContext<any>,
  prepared: PreparedRequest<any>,
  options: CallOptions | undefined,
  submittedAt: string,
  taskId: string,
  requestId: string | undefined,
): HandleDraft {
  const handle = {
    version: 1,
    provider: context.id,
    model: prepared.model,
    mode: prepared.mode,
    submittedAt,
    size: prepared.size,
    quality: prepared.quality,
    n: prepared.n,
  } as HandleDraft;
  if (prepared.warnings.length > 0) handle.warnings = prepared.warnings;
  if (options?.traceparent) handle.traceparent = options.traceparent;
  handle.taskId = taskId;
  handle.requestId = requestId;
  return handle;
}

async function generateSync<ProviderOptions>(
  context: ProviderContext<ProviderOptions>,
  prepared: PreparedRequest<ProviderOptions>,
  options: CallOptions | undefined,
): Promise<Submitted> {
  const submittedAt = nowIso();
  const generate = context.adapter.generateSync;
  if (!generate) throw missing(context, 'generateSync', prepared.model);
  const outcome = await attempted(context, prepared, options, generate);
  const attempts = outcome.attempts;
  const taskId = outcome.value.requestId ?? `sync-${globalThis.crypto.randomUUID()}`;
  const handle = newHandle(context, prepared, options, submittedAt, taskId, outcome.value.requestId);
  handle.result = buildResult(context, handle, prepared.spec, outcome.value, { statusRequests: 0, attempts });
  return submitted(context, options, handle, attempts);
}

async function submitAsync<ProviderOptions>(
  context: ProviderContext<ProviderOptions>,
  prepared: PreparedRequest<ProviderOptions>,
  options: CallOptions | undefined,
): Promise<Submitted> {
  const id = context.id;
  const submittedAt = nowIso();
  const submit = context.adapter.submitAsync;
  if (!submit) throw missing(context, 'submitAsync', prepared.model);
  const outcome = await attempted(context, prepared, options, submit);
  if (!outcome.value.taskId) {
    // Accepted, but with nothing to poll: the task may exist, so this is not a safe retry.
    throw invalidResponse(`${id} accepted the submit but returned an empty task id; the task may exist: check the provider console`, {
      provider: id,
      submitOutcome: 'unknown',
    });
  }
  const handle = newHandle(context, prepared, options, submittedAt, outcome.value.taskId, outcome.value.requestId);
  return submitted(context, options, handle, outcome.attempts);
}
