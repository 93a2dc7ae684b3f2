/** Waiting for a task: the polling loop around status reads, until a result, a failure or the deadline. */
import { PictorError, abortedError } from './errors.ts';
import { emit, type PictorEventListener } from './events.ts';
import type { DurationSketch } from './durations.ts';
import { startPolling, type PollContext, type PollOptions, type PollOutcome, type PollSink } from './poll.ts';
import { invalid, marked, specFor, type ProviderContext } from './provider-context.ts';
import { StatusReader, statusContext } from './provider-status.ts';
import type { ImageResult, ModelSpec, TaskHandle, TaskStatus, WaitOptions } from './types.ts';

export function waitFor(
  context: ProviderContext<any>,
  handle: TaskHandle,
  options: WaitOptions | undefined,
  submitAttempts: number,
): Promise<ImageResult> {
  // Not async: the wait settles this promise itself (TaskWait is the poll's sink), so a waiting task
  // holds no suspended frame or promise chain between the poll and its caller. A throw in the
  // executor (a handle of another provider) rejects it, as it would in an async function.
  return new Promise((resolve, reject) => {
    const spec = specFor(context, handle);
    if (handle.result) return resolve(marked(context, handle.result));
    const wait = new TaskWait(context, handle, spec, options, submitAttempts, resolve, reject);
    startPolling(wait, wait);
  });
}

/**
 * One wait: its status reads (StatusReader), what the poll needs (`read`, `onStatus`, `onDeadline` as
 * methods on the prototype rather than closures) and where it ends (`done`, `fail`), so a waiting
 * task holds one object for them all (bench/scale: 10,000 tasks in flight).
 */
class TaskWait extends StatusReader implements PollContext, PollSink {
  readonly typicalDurationMs: number;
  readonly durations: DurationSketch;
  readonly elapsedMs: number;
  readonly options: PollOptions;
  readonly signal: AbortSignal | undefined;
  private readStartedAt = 0;
  private readonly listener: PictorEventListener | undefined;
  private readonly submitAttempts: number;
  private readonly resolve: (result: ImageResult) => void;
  private readonly reject: (error: unknown) => void;

  constructor(
    context: ProviderContext<any>,
    handle: TaskHandle,
    spec: ModelSpec,
    options: WaitOptions | undefined,
    submitAttempts: number,
    resolve: (result: ImageResult) => void,
    reject: (error: unknown) => void,
  ) {
    super(context, handle, spec, statusContext(context, handle, options), true);
    this.listener = options?.onEvent;
    this.submitAttempts = submitAttempts;
    this.resolve = resolve;
    this.reject = reject;
    // The call's poll options over the provider's, merged only when both exist (read-only from here).
    const own = options?.poll;
    const base = context.defaults.poll;
    const poll = own && base ? { ...base, ...own } : (own ?? base ?? {});
    // A server running at another pace than the real model (the emulator) says so with poll.typicalDurationMs.
    this.typicalDurationMs = poll.typicalDurationMs ?? spec.typicalDurationMs;
    this.durations = context.durations.sketch(context.id, handle.model, this.typicalDurationMs);
    this.elapsedMs = Math.max(0, Date.now() - Date.parse(handle.submittedAt));
    this.options = poll;
    this.signal = options?.signal;
  }

  /** The poll ended with a final status: the result, with this wait's counts, or the task's error. */
  done(outcome: PollOutcome): void {
    const status = outcome.status;
    const handle = this.handle;
    if (status.state === 'failed' || !status.result) {
      this.reject(status.error ?? invalid(this.context, `${this.context.id} task ${handle.taskId} ended without a result`, handle));
      return;
    }
    this.resolve({
      ...status.result,
      timings: { ...status.result.timings, statusRequests: outcome.reads, attempts: this.submitAttempts },
    });
  }

  /** The poll failed: an abort says so with the handle (to resume); anything else as it is. */
  fail(error: unknown): void {
    const signal = this.signal;
    this.reject(signal?.aborted ? abortedError(signal, this.context.id, this.handle) : error);
  }

  override read(): Promise<TaskStatus> {
    if (this.listener) this.readStartedAt = Date.now();
    return super.read();
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
