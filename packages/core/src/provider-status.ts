/** One status read of a task, with the status stage's retries, as a normalised TaskStatus. */
import type { AdapterStatus } from './adapter.ts';
import { taskFailed, toPictorError, type PictorError } from './errors.ts';
import { invalid, marked, missing, retryPolicy, type ProviderContext } from './provider-context.ts';
import { buildResult } from './provider-result.ts';
import { retryAfterFailure, withRetry, type RetryContext } from './retry.ts';
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
export function readOnce(
  context: ProviderContext<any>,
  handle: TaskHandle,
  spec: ModelSpec,
  retry: RetryContext,
  reads: number,
): Promise<TaskStatus> {
  return new StatusReader(context, handle, spec, retry, false, reads - 1).read();
}

/**
 * The status reads of one task. A wait holds one for its whole life (TaskWait extends it) and passes
 * `keepHandle`: every error then carries the handle, so the caller can resume instead of resubmitting.
 * A read that succeeds at first try (nearly all of them, thousands a minute in a busy worker) is the
 * adapter's promise and one `then` with handlers bound once per reader: no async frame, closures or
 * withRetry setup per read (bench/scale). A failure, a listener (it times each attempt) or a missing
 * method take the `retried` path.
 */
export class StatusReader {
  protected readonly context: ProviderContext<any>;
  protected readonly handle: TaskHandle;
  private readonly spec: ModelSpec;
  private readonly retry: RetryContext;
  private readonly keepHandle: boolean;
  /** Reads so far, this one included once read() has started. */
  private reads: number;
  private converted: ((status: AdapterStatus) => TaskStatus) | undefined;
  private recovered: ((error: unknown) => Promise<TaskStatus>) | undefined;

  constructor(context: ProviderContext<any>, handle: TaskHandle, spec: ModelSpec, retry: RetryContext, keepHandle: boolean, readsBefore = 0) {
    this.context = context;
    this.handle = handle;
    this.spec = spec;
    this.retry = retry;
    this.keepHandle = keepHandle;
    this.reads = readsBefore;
  }

  read(): Promise<TaskStatus> {
    this.reads++;
    const readStatus = this.context.adapter.readStatus;
    if (this.handle.result || !readStatus || this.retry.onEvent) return this.retried(undefined);
    let first: Promise<AdapterStatus>;
    try {
      first = Promise.resolve(readStatus(this.handle, { signal: this.retry.signal, attempt: 1 }));
    } catch (error) {
      return this.retried({ error });
    }
    this.converted ??= this.convert.bind(this);
    this.recovered ??= this.recover.bind(this);
    return first.then(this.converted, this.recovered);
  }

  private convert(status: AdapterStatus): TaskStatus {
    try {
      return toTaskStatus(this.context, this.handle, this.spec, status, this.reads);
    } catch (error) {
      throw this.withHandle(error);
    }
  }

  private recover(error: unknown): Promise<TaskStatus> {
    return this.retried({ error });
  }

  /** A read through withRetry, or, when the first attempt already failed (`failed`), retryAfterFailure. */
  private async retried(failed: { readonly error: unknown } | undefined): Promise<TaskStatus> {
    const { context, handle } = this;
    if (handle.result) return { state: 'succeeded', result: marked(context, handle.result) };
    try {
      const readStatus = context.adapter.readStatus;
      if (!readStatus) throw missing(context, 'readStatus', handle.model);
      const signal = this.retry.signal;
      const read = (attempt: number) => readStatus(handle, { signal, attempt });
      const outcome = failed ? await retryAfterFailure(failed.error, read, this.retry) : await withRetry(read, this.retry);
      return toTaskStatus(context, handle, this.spec, outcome.value, this.reads);
    } catch (error) {
      throw this.withHandle(error);
    }
  }

  /** A wait's error carries the handle, so the caller can resume instead of resubmitting. */
  private withHandle(error: unknown): unknown {
    if (!this.keepHandle) return error;
    const pictorError = toPictorError(error, this.context.id);
    return pictorError.handle ? pictorError : pictorError.with({ handle: this.handle });
  }
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
