/** One status read of a task, with the status stage's retries, as a normalised TaskStatus. */
import type { AdapterStatus } from './adapter.ts';
import { taskFailed, toPictorError, type PictorError } from './errors.ts';
import { invalid, marked, missing, retryPolicy, type ProviderContext } from './provider-context.ts';
import { buildResult } from './provider-result.ts';
import { withRetry, type RetryContext } from './retry.ts';
import type { CallOptions, ModelSpec, TaskHandle, TaskStatus } from './types.ts';

/** One call's context for status reads, built once per wait rather than once per read. */
export function statusContext(context: ProviderContext<any>, handle: TaskHandle, options: CallOptions | undefined): RetryContext {
  return {
    stage: 'status',
    provider: context.id,
    model: handle.model,
    policy: retryPolicy(context, 'status', options),
    signal: options?.signal,
    onEvent: options?.onEvent,
  };
}

/**
 * Reads the task once (`reads` counts this read); a handle that carries its result needs no read.
 * A wait passes `keepHandle`: every error then carries the handle, so the caller can resume instead
 * of resubmitting. Not async: a read that succeeds at first try (nearly all of them, thousands a
 * minute in a busy worker) is the adapter's promise and one `then`, no async frame or withRetry
 * setup (bench/scale); a failure, a listener (it times each attempt) or a missing method take
 * readRetried's path.
 */
export function readOnce(
  context: ProviderContext<any>,
  handle: TaskHandle,
  spec: ModelSpec,
  retry: RetryContext,
  reads: number,
  keepHandle = false,
): Promise<TaskStatus> {
  const readStatus = context.adapter.readStatus;
  if (handle.result || !readStatus || retry.onEvent) return readRetried(context, handle, spec, retry, reads, keepHandle, undefined);
  let first: Promise<AdapterStatus>;
  try {
    first = Promise.resolve(readStatus(handle, { signal: retry.signal, attempt: 1 }));
  } catch (error) {
    return readRetried(context, handle, spec, retry, reads, keepHandle, { error });
  }
  return first.then(
    (status) => {
      try {
        return toTaskStatus(context, handle, spec, status, reads);
      } catch (error) {
        throw keepHandle ? withHandle(context, handle, error) : error;
      }
    },
    (error: unknown) => readRetried(context, handle, spec, retry, reads, keepHandle, { error }),
  );
}

/**
 * A read through withRetry. When the first attempt already failed (`failed`), withRetry gets that
 * failure as its own attempt 1, so every decision (abort, shouldRetry, backoff, the final error) is its own.
 */
async function readRetried(
  context: ProviderContext<any>,
  handle: TaskHandle,
  spec: ModelSpec,
  retry: RetryContext,
  reads: number,
  keepHandle: boolean,
  failed: { readonly error: unknown } | undefined,
): Promise<TaskStatus> {
  if (handle.result) return { state: 'succeeded', result: marked(context, handle.result) };
  try {
    const readStatus = context.adapter.readStatus;
    if (!readStatus) throw missing(context, 'readStatus', handle.model);
    const signal = retry.signal;
    const outcome = await withRetry((attempt) => (attempt === 1 && failed ? Promise.reject(failed.error) : readStatus(handle, { signal, attempt })), retry);
    return toTaskStatus(context, handle, spec, outcome.value, reads);
  } catch (error) {
    throw keepHandle ? withHandle(context, handle, error) : error;
  }
}

/** The error with the handle on it, so the caller can resume instead of resubmitting. */
function withHandle(context: ProviderContext<any>, handle: TaskHandle, error: unknown): PictorError {
  const pictorError = toPictorError(error, context.id);
  return pictorError.handle ? pictorError : pictorError.with({ handle });
}

function toTaskStatus(context: ProviderContext<any>, handle: TaskHandle, spec: ModelSpec, status: AdapterStatus, reads: number): TaskStatus {
  const id = context.id;
  if (status.state === 'succeeded') {
    if (!status.output) {
      return failedStatus(invalid(context, `${id} reported task ${handle.taskId} succeeded without an output`, handle));
    }
    try {
      return { state: 'succeeded', result: buildResult(context, handle, spec, status.output, { statusRequests: reads, attempts: 1 }) };
    } catch (error) {
      return failedStatus(toPictorError(error, id));
    }
  }
  if (status.state === 'failed') {
    const error =
      status.error ?? taskFailed(`${id} task ${handle.taskId} failed`, { provider: id });
    return failedStatus(error.handle ? error : error.with({ handle }));
  }
  return { state: status.state, progress: status.progress, etaMs: status.etaMs };
}

function failedStatus(error: PictorError): TaskStatus {
  return { state: 'failed', error };
}
