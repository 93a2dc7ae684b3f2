/**
 * An AI SDK model's failure as a PictorError, so Pictor's stage-aware retry,
 * failover and breaker decide on it like on any adapter's error. The submit
 * outcome follows core's rule for the HTTP status; an error without a status
 * is a transport failure whose outcome is unknown unless the connection was
 * provably never made.
 */
import { APICallError, InvalidArgumentError, NoSuchModelError, UnsupportedFunctionalityError } from '@ai-sdk/provider';
import { PictorError, invalidRequest, invalidResponse } from '@pictor/core';
import { errorCode, kindForStatus, outcomeForStatus, parseRetryAfter } from '@pictor/core/adapter';

/** Connection errors that prove the request never reached the provider. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export function fromSdkError(error: unknown, provider: string): PictorError {
  if (error instanceof PictorError) return error;
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    const kind = error.name === 'AbortError' ? 'aborted' : 'timeout';
    return new PictorError({ kind, provider, retryable: false, submitOutcome: 'unknown', message: error.message || kind, cause: error });
  }
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === undefined) {
      const notSent = NOT_SENT_CODES.has(errorCode(error) ?? '');
      return new PictorError({
        kind: 'network',
        provider,
        retryable: true,
        submitOutcome: notSent ? 'not_created' : 'unknown',
        message: `${provider}: ${error.message}`,
        cause: plainCause(error),
      });
    }
    return new PictorError({
      kind: kindForStatus(status),
      provider,
      status,
      retryable: error.isRetryable,
      submitOutcome: outcomeForStatus(status),
      retryAfterMs: parseRetryAfter(new Headers(error.responseHeaders ?? {})),
      message: `${provider} answered HTTP ${status}: ${error.message}`,
      cause: plainCause(error),
    });
  }
  if (NoSuchModelError.isInstance(error) || InvalidArgumentError.isInstance(error) || UnsupportedFunctionalityError.isInstance(error)) {
    return invalidRequest(`${provider}: ${error.message}`, { provider, submitOutcome: 'not_created', cause: error });
  }
  // A response the model could not read (schema mismatch, bad JSON): it may have done the work.
  const message = error instanceof Error ? error.message : String(error);
  return invalidResponse(`${provider}: ${message}`, { provider, submitOutcome: 'unknown', cause: error });
}

/**
 * An APICallError carries the request body and headers it sent and the raw response body: kept as a
 * cause, `console.log(error)` would print them (a key the upstream echoed included). Keep its name,
 * message, status and code only.
 */
function plainCause(error: APICallError): Error {
  const code = errorCode(error);
  return Object.assign(new Error(error.message), { name: error.name, statusCode: error.statusCode, ...(code ? { code } : {}) });
}
