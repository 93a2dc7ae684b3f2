/**
 * One job's life in a worker: submit once, store the handle, wait, store the result.
 *
 *   no handle, no submit mark  -> mark "submit started", submit, store the handle, wait
 *   handle stored              -> resume: wait(handle), never submit again
 *   submit mark but no handle  -> the outcome is unknown: fail (see SubmitOutcomeUnknownError)
 */
import { UnrecoverableError, Worker } from 'bullmq';
import { toPictorError, type ImageProvider, type ImageResult, type PictorError, type PictorEvent, type TaskHandle, type WaitOptions } from 'pictor';
import { saveResult } from 'pictor/node';
import type { FleetBreaker } from './fleet-breaker.ts';
import { parseJobData, SubmitOutcomeUnknownError, type ImageJobData, type ImageJobProgress, type ImageJobResult } from './job-data.ts';
import type { ImageJob } from './queue.ts';

/** Receives each completed result (e.g. to upload it); its return value is stored as `saved`. */
export type ResultSink = (result: ImageResult, job: { readonly id: string; readonly data: ImageJobData }) => unknown;

export interface RunJobContext {
  readonly client: ImageProvider;
  readonly workerId: string;
  readonly signal?: AbortSignal | undefined;
  readonly keepRaw: boolean;
  readonly saveTo?: string | undefined;
  readonly sink?: ResultSink | undefined;
  readonly waitOptions?: Pick<WaitOptions, 'poll' | 'retry'> | undefined;
  readonly onEvent?: ((jobId: string, event: PictorEvent) => void) | undefined;
  /** Pauses the whole queue when the provider refuses submits (see fleet-breaker.ts). */
  readonly breaker?: { readonly policy: FleetBreaker; readonly pause: (ms: number) => Promise<void> } | undefined;
}

export async function runImageJob(job: ImageJob, context: RunJobContext): Promise<ImageJobResult> {
  const id = job.id as string;
  const data = parseJobData(job.data);
  const options = callOptions(job, context);
  let handle = data.handle;
  if (!handle) {
    if (data.submit) throw new UnrecoverableError(describe(new SubmitOutcomeUnknownError(id, data.submit)));
    handle = await submitOnce(job, data, context, options);
  }
  let result: ImageResult;
  try {
    result = await context.client.wait(handle, options);
  } catch (error) {
    // The handle stays in the job: a retry of this job resumes it, never resubmits.
    throw await failJob(job, { ...data, handle }, toPictorError(error), true);
  }
  const stored = context.keepRaw ? result : { ...result, raw: undefined };
  const saved = context.sink ? await context.sink(result, { id, data: job.data }) : context.saveTo ? await saveResult(result, context.saveTo) : undefined;
  return saved === undefined ? { result: stored } : { result: stored, saved };
}

async function submitOnce(job: ImageJob, data: ImageJobData, context: RunJobContext, options: WaitOptions): Promise<TaskHandle> {
  const submit = { startedAt: new Date().toISOString(), by: context.workerId };
  await job.updateData({ ...data, submit });
  let handle: TaskHandle;
  try {
    handle = await context.client.submit(data.request, options);
  } catch (error) {
    const pictorError = toPictorError(error);
    // Provably nothing created (or a validation error before any request): the mark goes, so a
    // retry may submit. An aborted or ambiguous submit keeps it: the job then fails as unknown.
    const provedNothing = pictorError.submitOutcome === 'not_created' || (pictorError.submitOutcome === undefined && pictorError.kind === 'invalid_request');
    const nothingCreated = !pictorError.handle && provedNothing && pictorError.kind !== 'aborted';
    const pauseMs = nothingCreated && context.breaker ? context.breaker.policy.pauseFor(pictorError) : 0;
    if (pauseMs > 0 && context.breaker) {
      // Back to wait without using an attempt; every worker holds off for pauseMs.
      await job.updateData({ ...data, submit: undefined, error: pictorError.toJSON() });
      await context.breaker.pause(pauseMs);
      throw Worker.RateLimitError();
    }
    throw await failJob(job, nothingCreated ? { ...data, submit: undefined } : { ...data, submit }, pictorError, nothingCreated);
  }
  context.breaker?.policy.recordSuccess();
  // Before the first status read: from here on any worker can resume the task.
  await storeHandle(job, { ...data, submit, handle });
  return handle;
}

/**
 * The task is accepted (and billed): its handle must reach Redis. A write that fails is tried again
 * a few times; if Redis stays unreachable the job fails for good with the handle in its message, so
 * the paid task can still be resumed with `wait` instead of being submitted again.
 */
async function storeHandle(job: ImageJob, data: ImageJobData & { handle: TaskHandle }): Promise<void> {
  let lastError: unknown;
  for (const delayMs of [0, 200, 1000, 3000]) {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    try {
      return await job.updateData(data);
    } catch (error) {
      lastError = error;
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new UnrecoverableError(
    `the task was accepted but its handle could not be stored (${reason}); resume it with wait(handle), do not submit again: ${JSON.stringify(data.handle)}`,
  );
}

/** Records the failure in the job and returns the error for BullMQ (retryable or not). */
async function failJob(job: ImageJob, data: ImageJobData, error: PictorError, mayRetry: boolean): Promise<Error> {
  await job.updateData({ ...data, error: error.toJSON() }).catch(() => undefined);
  const message = describe(error);
  return mayRetry && error.retryable && error.kind !== 'aborted' ? new Error(message) : new UnrecoverableError(message);
}

function describe(error: PictorError): string {
  return `${error.kind}: ${error.message}`;
}

/** Call options with a listener that mirrors status into the job's progress (only on change). */
function callOptions(job: ImageJob, context: RunJobContext): WaitOptions {
  let last = '';
  const id = job.id as string;
  return {
    ...context.waitOptions,
    signal: context.signal,
    onEvent: (event) => {
      context.onEvent?.(id, event);
      if (event.type !== 'status') return;
      const progress: ImageJobProgress = { state: event.state, progress: event.progress, etaMs: event.etaMs, taskId: event.taskId };
      const key = `${event.state}:${event.progress ?? ''}`;
      if (key === last) return;
      last = key;
      // Progress is advisory: a failed write must not fail a paid task.
      job.updateProgress(progress as unknown as object).catch(() => undefined);
    },
  };
}
