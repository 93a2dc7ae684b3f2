/** Waiting for a task: the polling loop around status reads, until a result, a failure or the deadline. */
import { PictorError, abortedError, toPictorError } from './errors.ts';
import { emit, type PictorEventListener } from './events.ts';
import type { DurationSketch } from './durations.ts';
import { pollUntilDone, type PollContext, type PollOptions, type PollOutcome } from './poll.ts';
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
  const spec = specFor(context, handle);
  if (handle.result) return marked(context, handle.result);
  const wait = new TaskWait(context, handle, spec, options);
  // try/catch rather than .catch(): a pending wait then holds no extra promise and closure.
  let outcome: PollOutcome;
  try {
    outcome = await pollUntilDone(wait);
  } catch (error) {
    if (options?.signal?.aborted) throw abortedError(options.signal, context.id, handle);
    throw error;
  }
  const status = outcome.status;
  if (status.state === 'failed' || !status.result) {
    throw status.error ?? invalid(context, `${context.id} task ${handle.taskId} ended without a result`, handle);
  }
  return {
    ...status.result,
    timings: { ...status.result.timings, statusRequests: outcome.reads, attempts: submitAttempts },
  };
}

/**
 * One wait's poll context: what pollUntilDone needs, with `read`, `onStatus` and `onDeadline` as
 * methods on the prototype rather than closures, so a waiting task holds one object for them all
 * (bench/scale: 10,000 tasks in flight).
 */
class TaskWait implements PollContext {
  readonly typicalDurationMs: number;
  readonly durations: DurationSketch;
  readonly elapsedMs: number;
  readonly options: PollOptions;
  readonly signal: AbortSignal | undefined;
  private reads = 0;
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
    const poll = options?.poll ? { ...context.defaults.poll, ...options.poll } : (context.defaults.poll ?? {});
    // A server running at another pace than the real model (the emulator) says so with poll.typicalDurationMs.
    this.typicalDurationMs = poll.typicalDurationMs ?? spec.typicalDurationMs;
    this.durations = context.durations.sketch(context.id, handle.model, this.typicalDurationMs);
    this.elapsedMs = Math.max(0, Date.now() - Date.parse(handle.submittedAt));
    this.options = poll;
    this.signal = options?.signal;
  }

  async read(): Promise<TaskStatus> {
    if (this.listener) this.readStartedAt = Date.now();
    try {
      return await readOnce(this.context, this.handle, this.spec, this.retry, ++this.reads);
    } catch (error) {
      // Keep the handle on every error so the caller can resume instead of resubmitting.
      const pictorError = toPictorError(error, this.context.id);
      throw pictorError.handle ? pictorError : pictorError.with({ handle: this.handle });
    }
  }

  onStatus(status: TaskStatus, reads: number): void {
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

  onDeadline(reads: number, timeoutMs: number): PictorError {
    const id = this.context.id;
    const handle = this.handle;
    return new PictorError({
      kind: 'timeout',
      provider: id,
      retryable: false,
      handle,
      message: `${id} task ${handle.taskId} did not finish within ${timeoutMs} ms (${reads} status reads); it may still complete: resume it with wait(handle)`,
    });
  }
}
