/**
 * Pictor failures as the AI SDK sees them. The SDK's generateImage retries an
 * error whose `APICallError.isRetryable` is true, by calling doGenerate again —
 * which submits again. So a failure is retryable for the SDK only when a second
 * submit provably cannot pay twice and Pictor has not already spent its own
 * retries or failover on it.
 */
import { APICallError } from '@ai-sdk/provider';
import { PictorError, toPictorError } from '@pictor/core';

/**
 * Every submit attempt behind an error: an error keeps its attempts (retries in
 * core's withRetry, candidates in failover, each with its own retries), and an
 * error without attempts is one attempt itself.
 */
export function submitAttempts(error: PictorError): PictorError[] {
  return error.attempts.length > 0 ? error.attempts.flatMap(submitAttempts) : [error];
}

/**
 * True only when exactly one submit was made, it was refused in a way that
 * provably created nothing, and it is worth trying again; never once a task was
 * accepted (a handle exists) or Pictor already retried or failed over.
 */
export function isSafeForSdkRetry(error: PictorError): boolean {
  if (error.kind === 'aborted' || error.handle) return false;
  const attempts = submitAttempts(error);
  if (attempts.length !== 1) return false;
  const [only] = attempts as [PictorError];
  // A missing outcome counts as unknown: only a proven "not created" is safe to submit again.
  return error.retryable && only.retryable && only.submitOutcome === 'not_created' && !only.handle;
}

/**
 * An aborted call stays a PictorError (kind 'aborted', with the handle of an
 * accepted task so it can be resumed with `pictor.client.wait(handle)`); every
 * other failure becomes an APICallError whose cause is the PictorError and whose
 * data is its redacted JSON.
 */
export function toSdkError(caught: unknown, modelId: string, prompt: string | undefined): Error {
  const error = toPictorError(caught, 'pictor');
  if (error.kind === 'aborted') return error;
  const isRetryable = isSafeForSdkRetry(error);
  return new APICallError({
    message: `${error.message} [${error.kind}]`,
    url: `pictor:${modelId}`,
    requestBodyValues: { model: modelId, prompt },
    statusCode: error.status,
    // The SDK reads retry-after-ms to space its retries; only meaningful when it may retry.
    responseHeaders: isRetryable && error.retryAfterMs !== undefined ? { 'retry-after-ms': String(error.retryAfterMs) } : undefined,
    cause: error,
    isRetryable,
    data: error.toJSON(),
  });
}

/** The PictorError behind an error thrown by generateImage, if there is one. */
export function pictorErrorOf(error: unknown): PictorError | undefined {
  if (error instanceof PictorError) return error;
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const cause: unknown = (current as { cause?: unknown }).cause;
    if (cause instanceof PictorError) return cause;
    // The SDK's RetryError keeps the last error rather than a cause.
    const last: unknown = (current as { lastError?: unknown }).lastError;
    if (last instanceof PictorError) return last;
    current = cause ?? last;
  }
  return undefined;
}
