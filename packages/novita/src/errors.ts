/**
 * Novita error bodies ({code, reason, message, metadata}) to Pictor kinds, by
 * `reason` first: Novita's own pages disagree on statuses (a missing key is 401
 * in the guide and 400/403 in the table; low balance is 400 or 403).
 */
import { mappingByStatus, type ErrorMapper, type ErrorMapping } from '@pictor/core/adapter';
import { ErrorBody } from './wire.ts';

const REFUSED = { retryable: false, submitOutcome: 'not_created' } as const;

const BY_REASON: Readonly<Record<string, Omit<ErrorMapping, 'providerCode'>>> = {
  ILLEGAL_PROMPT: { kind: 'content_filtered', ...REFUSED },
  ILLEGAL_IMAGE_CONTENT: { kind: 'content_filtered', ...REFUSED },
  BILLING_BALANCE_NOT_ENOUGH: { kind: 'insufficient_quota', ...REFUSED, message: 'insufficient Novita balance: top up the account; retrying will not help' },
  MISSING_API_KEY: { kind: 'authentication', ...REFUSED },
  INVALID_API_KEY: { kind: 'authentication', ...REFUSED },
  BILLING_AUTH_FAILED: { kind: 'authentication', ...REFUSED },
  FEATURE_NOT_ALLOWED: { kind: 'permission', ...REFUSED },
  API_NOT_ALLOWED: { kind: 'permission', ...REFUSED },
  RATE_LIMIT_EXCEEDED: { kind: 'rate_limited', retryable: true, submitOutcome: 'not_created' },
  TASK_NOT_FOUND: { kind: 'not_found', ...REFUSED },
  API_NOT_FOUND: { kind: 'not_found', ...REFUSED },
  INVALID_REQUEST_BODY: { kind: 'invalid_request', ...REFUSED },
  INVALID_IMAGE_SIZE: { kind: 'invalid_request', ...REFUSED },
  // The task was not created: safe to submit again.
  CREATE_TASK_FAILED: { kind: 'provider_unavailable', retryable: true, submitOutcome: 'not_created' },
  GET_RESULT_FAILED: { kind: 'provider_unavailable', retryable: true },
  // Billing failed after the request was taken: the outcome is unknown, never re-submit blindly.
  BILLING_FAILED: { kind: 'provider_unavailable', retryable: true, submitOutcome: 'unknown' },
  TASK_FAILED: { kind: 'task_failed', retryable: false },
};

export function readNovitaError(body: unknown): { reason: string | undefined; message: string | undefined } {
  const parsed = ErrorBody.safeParse(body);
  if (!parsed.success) return { reason: undefined, message: typeof body === 'string' ? body : undefined };
  return { reason: parsed.data.reason?.toUpperCase(), message: parsed.data.message };
}

export function mapNovitaReason(reason: string): ErrorMapping | undefined {
  const mapped = BY_REASON[reason.toUpperCase()];
  return mapped ? { ...mapped, providerCode: reason.toUpperCase() } : undefined;
}

export const mapNovitaError: ErrorMapper = ({ status, body }) => {
  const { reason, message } = readNovitaError(body);
  const byReason = reason ? mapNovitaReason(reason) : undefined;
  if (byReason) return { ...byReason, message: byReason.message ?? message };
  if (status === 503 || status === 504) return { kind: 'provider_unavailable', providerCode: reason, message, retryable: true };
  // Unknown reason: the status decides, keeping Novita's reason and message on the error.
  return mappingByStatus(status, reason, message);
};
