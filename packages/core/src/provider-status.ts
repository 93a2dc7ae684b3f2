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

/** Reads the task once (`reads` counts this read); a handle that carries its result needs no read. */
export async function readOnce(
  context: ProviderContext<any>,
  handle: TaskHandle,
  spec: ModelSpec,
  retry: RetryContext,
  reads: number,
): Promise<TaskStatus> {
  if (handle.result) return { state: 'succeeded', result: marked(context, handle.result) };
  const readStatus = context.adapter.readStatus;
  if (!readStatus) throw missing(context, 'readStatus', handle.model);
  if (retry.onEvent) {
    // A listener times the failed attempt for its 'retry' event: withRetry measures it from the start.
    const outcome = await withRetry((attempt) => readStatus(handle, { signal: retry.signal, attempt }), retry);
    return toTaskStatus(context, handle, spec, outcome.value, reads);
  }
  // No listener: the first attempt is awaited here, so a read that succeeds at once (nearly all of
  // them, thousands a minute in a busy worker) costs one async frame instead of three (bench/scale).
  let status: AdapterStatus;
  try {
    status = await readStatus(handle, { signal: retry.signal, attempt: 1 });
  } catch (error) {
    status = await retryRead(readStatus, handle, retry, error);
  }
  return toTaskStatus(context, handle, spec, status, reads);
}

/**
 * The retries of a read whose first attempt failed with `firstError`: withRetry gets that failure
 * as its own attempt 1, so every decision (abort, shouldRetry, backoff, the final error) is its own.
 */
async function retryRead(
  readStatus: NonNullable<ProviderContext<any>['adapter']['readStatus']>,
  handle: TaskHandle,
  retry: RetryContext,
  firstError: unknown,
): Promise<AdapterStatus> {
  const signal = retry.signal;
  const outcome = await withRetry((attempt) => (attempt === 1 ? Promise.reject(firstError) : readStatus(handle, { signal, attempt })), retry);
  return outcome.value;
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
