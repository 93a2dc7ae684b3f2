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
 * True only for a retryable error whose submit provably created nothing, with no
 * task accepted, one attempt, and no failover behind it.
 */
export function isSafeForSdkRetry(error: PictorError): boolean {
  if (!error.retryable || error.kind === 'aborted') return false;
  // Missing outcome counts as unknown: only a proven "not created" is safe to submit again.
  if (error.submitOutcome !== 'not_created') return false;
  if (error.handle) return false; // a task was accepted: resume it, never resubmit
  if (error.attempts.length > 1) return false; // Pictor already retried (or failed over)
  if (error.details?.route !== undefined) return false; // a failover route already ran
  return true;
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
