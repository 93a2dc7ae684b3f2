/**
 * Stage-scoped retries on p-retry. Two stages, two rules:
 * - `status` (reads): retried freely on transient errors; reading twice costs nothing.
 * - `submit` (writes): retried only when the failed attempt provably created no
 *   task (PictorError.submitOutcome === 'not_created'); an ambiguous failure is
 *   surfaced, saying the outcome is unknown, rather than risking a second charge.
 * An abort is never retried. Every attempt's error is kept on the final error.
 */
import pRetry from 'p-retry';
import { z } from 'zod';
import { PictorError, abortedError, toPictorError } from './errors.ts';
import { emit } from './events.ts';
import { sleep } from './sleep.ts';
import type { CallOptions } from './types.ts';

export type RetryStage = 'submit' | 'status';

/** One stage's retry policy (defaults per stage in DEFAULT_RETRY). */
export const RetryPolicySchema = z
  .object({
    /**
     * Retries after the first attempt (0 disables).
     * @default 2 for submit, 4 for status
     */
    retries: z.number().int().min(0).optional(),
    /**
     * Shortest backoff between attempts, in ms.
     * @default 500 for submit, 250 for status
     */
    minDelayMs: z.number().min(0).optional(),
    /**
     * Longest backoff between attempts, in ms.
     * @default 8000
     */
    maxDelayMs: z.number().min(0).optional(),
    /**
     * A Retry-After longer than this is not waited for: the error is raised so a
     * caller (or failover) can go elsewhere instead of stalling.
     * @default 60000
     */
    maxRetryAfterMs: z.number().min(0).optional(),
    /**
     * Overrides the stage's default decision. Returning true for an ambiguous submit risks paying twice.
     * @default defaultShouldRetry
     */
    shouldRetry: z.custom<(error: PictorError) => boolean>((v) => typeof v === 'function', 'must be a function').optional(),
  })
  .strict();

export type RetryPolicy = z.input<typeof RetryPolicySchema>;

/** Retry policies per stage. */
export const RetryOptionsSchema = z
  .object({
    /**
     * Submits: retried only when no task was provably created.
     * @default DEFAULT_RETRY.submit
     */
    submit: RetryPolicySchema.optional(),
    /**
     * Status reads: retried on transient errors.
     * @default DEFAULT_RETRY.status
     */
    status: RetryPolicySchema.optional(),
  })
  .strict();

export type RetryOptions = z.input<typeof RetryOptionsSchema>;

export const DEFAULT_RETRY: Required<Record<RetryStage, Required<Omit<RetryPolicy, 'shouldRetry'>>>> = {
  submit: { retries: 2, minDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 },
  status: { retries: 4, minDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 },
};

/** The default decision for a stage (exported so custom policies can build on it). */
export function defaultShouldRetry(stage: RetryStage, error: PictorError): boolean {
  if (error.kind === 'aborted') return false;
  if (!error.retryable) return false;
  if (stage === 'submit') return error.submitOutcome === 'not_created';
  return true;
}

/** Where a retried call stands (stage, provider, model, its policy) and the call's own signal and listener. */
export type RetryContext = Pick<CallOptions, 'signal' | 'onEvent'> & {
  readonly stage: RetryStage;
  readonly provider: string;
  readonly model: string;
  readonly policy?: RetryPolicy | undefined;
};

export interface RetryOutcome<T> {
  readonly value: T;
  readonly attempts: number;
}

export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  context: RetryContext,
): Promise<RetryOutcome<T>> {
  // Fast path: almost every call succeeds at once, and thousands of tasks poll together, so the
  // first attempt runs without p-retry's per-call setup (bench/scale.ts: about 1 KB less garbage per
  // task). On a failure retryAfterFailure takes over.
  const startedAt = context.onEvent ? Date.now() : 0;
  try {
    return { value: await operation(1), attempts: 1 };
  } catch (error) {
    return retryAfterFailure(error, operation, context, startedAt);
  }
}

/**
 * withRetry once its attempt 1 has failed with `firstFailure`: p-retry takes over, replaying that
 * failure as its own attempt 1, so every delay and decision after it (abort, shouldRetry, never
 * repeating an unknown outcome, backoff, the final error) is the same as withRetry's. For callers
 * that run attempt 1 themselves to build no retry context for a call that succeeds (the submit and
 * status reads without a listener); `firstStartedAt` times attempt 1 for the retry event.
 */
export async function retryAfterFailure<T>(
  firstFailure: unknown,
  operation: (attempt: number) => Promise<T>,
  context: RetryContext,
  firstStartedAt = 0,
): Promise<RetryOutcome<T>> {
  if (context.signal?.aborted) throw abortedAttempt(context, firstFailure);
  // When each attempt started, for the retry event's durationMs (only read when someone listens).
  let attemptStartedAt = firstStartedAt;
  const defaults = DEFAULT_RETRY[context.stage];
  const policy = { ...defaults, ...stripUndefined(context.policy ?? {}) };
  const decide = context.policy?.shouldRetry ?? ((error: PictorError) => defaultShouldRetry(context.stage, error));
  const errors: PictorError[] = [];
  let attempts = 0;
  // p-retry's own delay is the backoff; Retry-After tops it up in onFailedAttempt.
  let refusedForRetryAfter = false;
  try {
    const value = await pRetry(
      async (attempt: number) => {
        attempts = attempt;
        try {
          if (attempt === 1) throw firstFailure;
          if (context.onEvent) attemptStartedAt = Date.now();
          return await operation(attempt);
        } catch (error) {
          const wrapped = toPictorError(error, context.provider);
          errors.push(wrapped);
          throw wrapped;
        }
      },
      {
        retries: policy.retries,
        minTimeout: policy.minDelayMs,
        maxTimeout: policy.maxDelayMs,
        factor: 2,
        randomize: true,
        ...(context.signal ? { signal: context.signal } : {}),
        shouldRetry: ({ error }) => {
          const pictorError = toPictorError(error, context.provider);
          if (!decide(pictorError)) return false;
          if (pictorError.retryAfterMs !== undefined && pictorError.retryAfterMs > policy.maxRetryAfterMs) {
            refusedForRetryAfter = true;
            return false;
          }
          return true;
        },
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retryDelay }) => {
          const pictorError = toPictorError(error, context.provider);
          if (retriesLeft <= 0 || !decide(pictorError)) return;
          const retryAfter = pictorError.retryAfterMs ?? 0;
          if (retryAfter > policy.maxRetryAfterMs) return;
          const extra = Math.max(0, retryAfter - retryDelay);
          emit(context.onEvent, {
            type: 'retry',
            provider: context.provider,
            model: context.model,
            stage: context.stage,
            attempt: attemptNumber,
            delayMs: retryDelay + extra,
            durationMs: Date.now() - attemptStartedAt,
            error: pictorError,
          });
          if (extra > 0) await sleep(extra, context.signal);
        },
      },
    );
    return { value, attempts };
  } catch (error) {
    if (context.signal?.aborted) throw abortedAttempt(context, errors.at(-1) ?? error);
    throw exhausted(context, toPictorError(error, context.provider), errors, refusedForRetryAfter ? policy.maxRetryAfterMs : undefined);
  }
}

/** The error once retries stop: the last one, saying why it was not retried, with every attempt's error. */
function exhausted(context: RetryContext, last: PictorError, errors: PictorError[], refusedRetryAfterOverMs: number | undefined): PictorError {
  const history = errors.length > 0 ? errors : [last];
  let message = last.message;
  if (context.stage === 'submit' && last.submitOutcome === 'unknown' && last.kind !== 'aborted') {
    message +=
      '. The outcome is unknown: the provider may have accepted the task, so it was not submitted again ' +
      '(a retry could pay twice). Check the provider dashboard before retrying.';
  } else if (refusedRetryAfterOverMs !== undefined) {
    message += `. Retry-After (${last.retryAfterMs} ms) exceeds the policy's maxRetryAfterMs (${refusedRetryAfterOverMs} ms).`;
  }
  return last.with({ message, attempts: history });
}

/**
 * The error for an abort that ended an attempt. A submit the abort interrupted may already have
 * reached the provider (and been billed), so its outcome is unknown unless the attempt's own error
 * proves nothing was sent.
 */
function abortedAttempt(context: RetryContext, error: unknown): PictorError {
  const aborted = abortedError(context.signal, context.provider);
  if (context.stage !== 'submit') return aborted;
  if (error instanceof PictorError && error.submitOutcome === 'not_created') return aborted.with({ submitOutcome: 'not_created' });
  return aborted.with({
    submitOutcome: 'unknown',
    message: `${aborted.message} while a submit was in flight: the outcome is unknown (the provider may have accepted the task); check the provider dashboard before submitting again`,
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
