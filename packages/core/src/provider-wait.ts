/** Waiting for a task: the polling loop around status reads, until a result, a failure or the deadline. */
import { PictorError, abortedError, toPictorError } from './errors.ts';
import { emit, type PictorEventListener } from './events.ts';
import { pollUntilDone } from './poll.ts';
import { invalid, marked, specFor, type ProviderContext } from './provider-context.ts';
import { readOnce, statusContext } from './provider-status.ts';
import type { RetryContext } from './retry.ts';
import type { ImageResult, ModelSpec, TaskHandle, TaskStatus, WaitOptions } from './types.ts';

export async function waitFor(
  context: ProviderContext<any>,
  handle: TaskHandle,
  options: WaitOptions | undefined,
  submitAttempts: number,
): Promise<ImageResult> {
  const id = context.id;
  const spec = specFor(context, handle);
  if (handle.result) return marked(context, handle.result);
  const poll = { ...context.defaults.poll, ...options?.poll };
  // A server running at another pace than the real model (the emulator) says so with poll.typicalDurationMs.
  const paceMs = poll.typicalDurationMs ?? spec.typicalDurationMs;
  const reader = new StatusReader(context, handle, spec, options);
  const { status } = await pollUntilDone({
    read: () => reader.read(),
    typicalDurationMs: paceMs,
    durations: context.durations.sketch(id, handle.model, paceMs),
    elapsedMs: Math.max(0, Date.now() - Date.parse(handle.submittedAt)),
    options: poll,
    signal: options?.signal,
    onStatus: (s, n) => reader.seen(s, n),
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
    throw status.error ?? invalid(context, `${id} task ${handle.taskId} ended without a result`, handle);
  }
  return {
    ...status.result,
    timings: { ...status.result.timings, statusRequests: reader.reads, attempts: submitAttempts },
  };
}

/** The status reads of one wait: counts them and reports each to the call's listener. */
class StatusReader {
  reads = 0;
  private readStartedAt = 0;
  private readonly context: ProviderContext<any>;
  private readonly handle: TaskHandle;
  private readonly spec: ModelSpec;
  private readonly retry: RetryContext;
  private readonly listener: PictorEventListener | undefined;

  constructor(context: ProviderContext<any>, handle: TaskHandle, spec: ModelSpec, options: WaitOptions | undefined) {
    this.context = context;
    this.handle = handle;
    this.spec = spec;
    this.retry = statusContext(context, handle, options);
    this.listener = options?.onEvent;
  }

  async read(): Promise<TaskStatus> {
    if (this.listener) this.readStartedAt = Date.now();
    try {
      return await readOnce(this.context, this.handle, this.spec, this.retry, this.reads + 1);
    } catch (error) {
      // Keep the handle on every error so the caller can resume instead of resubmitting.
      const pictorError = toPictorError(error, this.context.id);
      throw pictorError.handle ? pictorError : pictorError.with({ handle: this.handle });
    }
  }

  seen(status: TaskStatus, reads: number): void {
    this.reads = reads;
    if (!this.listener) return;
    emit(this.listener, {
      type: 'status',
      provider: this.context.id,
      model: this.handle.model,
      taskId: this.handle.taskId,
      state: status.state,
      progress: status.progress,
      etaMs: status.etaMs,
      statusRequests: reads,
      durationMs: Date.now() - this.readStartedAt,
    });
  }
}
