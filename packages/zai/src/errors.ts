/**
 * Z.AI error bodies to Pictor error kinds, by business code first: the HTTP
 * status alone is ambiguous (429 means "slow down" for 1302 and "out of money"
 * for 1113). Codes from Z.AI's documented error-code table; the status decides only when no code is known.
 */
import type { ErrorKind } from '@pictor/core';
import { mappingByStatus, type ErrorMapper, type ErrorMapping } from '@pictor/core/adapter';
import { ErrorBody } from './wire.ts';

export interface ZaiErrorInfo {
  readonly code: string | undefined;
  readonly message: string | undefined;
}

/** Extracts the business code and message from any of the documented body shapes. */
export function readZaiError(body: unknown): ZaiErrorInfo {
  const parsed = ErrorBody.safeParse(body);
  if (!parsed.success) return { code: undefined, message: typeof body === 'string' ? body : undefined };
  const { error, code, message, msg } = parsed.data;
  if (error && typeof error === 'object') return { code: error.code ?? code, message: error.message ?? message ?? msg };
  return { code, message: (typeof error === 'string' ? error : undefined) ?? message ?? msg };
}

/** Rate limits: the request was refused before any work, so a submit may be retried. */
const RETRYABLE_RATE_LIMITS = new Set(['1302', '1303', '1305', '1312', '1313']);

/**
 * Refused before any work: nothing was created. Not retryable unless `retryable` says so (a rate
 * limit that clears by itself); `message` replaces Z.AI's where it does not say what to do.
 */
function refused(kind: ErrorKind, code: string, { message, retryable = false }: { message?: string; retryable?: boolean } = {}): ErrorMapping {
  return { kind, providerCode: code, retryable, submitOutcome: 'not_created', ...(message === undefined ? {} : { message }) };
}

export function mapZaiCode(code: string): ErrorMapping | undefined {
  const n = Number(code);
  if (!Number.isInteger(n)) return undefined;
  if (n >= 1000 && n <= 1004) return refused('authentication', code);
  if (n === 1113) {
    return refused('insufficient_quota', code, { message: 'insufficient balance (code 1113): top up the Z.AI account; retrying will not help' });
  }
  if (n >= 1100 && n <= 1121) return refused('permission', code);
  if (n === 1211) return refused('not_found', code);
  if (n === 1220) return refused('permission', code);
  if (n === 1231) {
    return refused('invalid_request', code, { message: 'duplicate request_id (code 1231): an earlier attempt with this id already reached Z.AI' });
  }
  if (n === 1234) return { kind: 'provider_unavailable', providerCode: code, retryable: true };
  if ((n >= 1210 && n <= 1230) || n === 1261) return refused('invalid_request', code);
  if (n === 1301) return refused('content_filtered', code);
  if (RETRYABLE_RATE_LIMITS.has(code)) return refused('rate_limited', code, { retryable: true });
  // 1304 daily limit, 1308 usage limit until next_flush_time: waiting seconds won't help, failing over will.
  if (n === 1304 || n === 1308) return refused('rate_limited', code);
  if (n >= 1300 && n <= 1399) return refused('rate_limited', code, { retryable: true });
  return undefined;
}

export const mapZaiError: ErrorMapper = ({ status, body }) => {
  const { code, message } = readZaiError(body);
  // A 404 names the resource (an unknown task id on async-result), whatever generic code rides along.
  if (status === 404) return { kind: 'not_found', providerCode: code, message, retryable: false };
  const byCode = code ? mapZaiCode(code) : undefined;
  if (byCode) return { ...byCode, message: byCode.message ?? message };
  // Unknown or absent code: the status decides, keeping the code and message.
  return mappingByStatus(status, code, message);
};
