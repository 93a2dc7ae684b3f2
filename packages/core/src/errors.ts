/**
 * The one error type Pictor throws. Callers branch on `kind`; retry and failover
 * decisions read `retryable` and `submitOutcome` rather than re-deriving them from
 * HTTP statuses, because a status alone is ambiguous (Z.AI's 429 means both
 * "slow down" and "out of balance").
 */
import { redactSecrets, redactValue } from './redact.ts';
import type { TaskHandle } from './types.ts';

export const ERROR_KINDS = [
  'invalid_request',
  'authentication',
  'permission',
  'insufficient_quota',
  'rate_limited',
  'content_filtered',
  'not_found',
  'provider_unavailable',
  'timeout',
  'aborted',
  'task_failed',
  'invalid_response',
  'network',
  /** A local file-system failure (saving an image): the result is fine, the disk is not. */
  'local_io',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Kinds that may succeed if the same request is tried again later. */
const TRANSIENT_KINDS: ReadonlySet<ErrorKind> = new Set([
  'rate_limited',
  'provider_unavailable',
  'timeout',
  'network',
]);

/**
 * What a failed *submit* tells us about the task on the provider's side.
 * - `not_created`: the provider provably did not accept it (connection refused,
 *   a 429 concurrency refusal, a 4xx validation error, a 503 from the front door);
 *   submitting again cannot charge twice.
 * - `unknown`: the request may have been accepted (timeout after sending, 500,
 *   502, 504, connection reset mid-response). Re-submitting could pay twice.
 */
export type SubmitOutcome = 'not_created' | 'unknown';

export interface PictorErrorOptions {
  kind: ErrorKind;
  message: string;
  provider?: string | undefined;
  status?: number | undefined;
  providerCode?: string | undefined;
  requestId?: string | undefined;
  retryAfterMs?: number | undefined;
  retryable?: boolean | undefined;
  submitOutcome?: SubmitOutcome | undefined;
  handle?: TaskHandle | undefined;
  attempts?: readonly PictorError[] | undefined;
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
}

export class PictorError extends Error {
  override readonly name = 'PictorError';
  readonly kind: ErrorKind;
  /** True when trying again (same provider, later) may succeed. */
  readonly retryable: boolean;
  readonly provider: string | undefined;
  readonly status: number | undefined;
  readonly providerCode: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** Only meaningful for errors raised by a submit; see {@link SubmitOutcome}. */
  readonly submitOutcome: SubmitOutcome | undefined;
  /**
   * The task this error belongs to, when a task was accepted before the failure
   * (a wait that timed out, was aborted, or hit a failing status read). Resume it
   * with `provider.wait(error.handle)`: nothing is lost and nothing is paid twice.
   */
  readonly handle: TaskHandle | undefined;
  /** Every attempt's error, oldest first, when retries or failover ran. */
  readonly attempts: readonly PictorError[];
  readonly details: Record<string, unknown> | undefined;

  constructor(options: PictorErrorOptions) {
    super(redactSecrets(options.message), options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options.kind;
    this.retryable = options.retryable ?? TRANSIENT_KINDS.has(options.kind);
    this.provider = options.provider;
    this.status = options.status;
    this.providerCode = options.providerCode === undefined ? undefined : redactSecrets(options.providerCode);
    this.requestId = options.requestId === undefined ? undefined : redactSecrets(options.requestId);
    this.retryAfterMs = options.retryAfterMs;
    this.submitOutcome = options.submitOutcome;
    this.handle = options.handle;
    this.attempts = options.attempts ?? [];
    // Details often carry a provider's raw body, which may echo credentials: redacted like the message.
    this.details = options.details === undefined ? undefined : redactValue(options.details);
  }

  /** A copy with some fields replaced (errors are immutable once thrown). */
  with(changes: Partial<PictorErrorOptions>): PictorError {
    return new PictorError({ ...this.toOptions(), ...changes });
  }

  toOptions(): PictorErrorOptions {
    return {
      kind: this.kind,
      message: this.message,
      provider: this.provider,
      status: this.status,
      providerCode: this.providerCode,
      requestId: this.requestId,
      retryAfterMs: this.retryAfterMs,
      retryable: this.retryable,
      submitOutcome: this.submitOutcome,
      handle: this.handle,
      attempts: this.attempts,
      details: this.details,
      cause: this.cause,
    };
  }

  /** Plain JSON for logs; never includes the cause chain's raw objects. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      retryable: this.retryable,
      provider: this.provider,
      status: this.status,
      providerCode: this.providerCode,
      requestId: this.requestId,
      retryAfterMs: this.retryAfterMs,
      submitOutcome: this.submitOutcome,
      handle: this.handle,
      details: this.details,
      attempts: this.attempts.map((a) => a.toJSON()),
    };
  }
}

/** Everything a factory below takes besides the message; `retryable` defaults from the kind. */
export type PictorErrorExtra = Omit<PictorErrorOptions, 'kind' | 'message'>;

/**
 * Named factories for the kinds thrown most often. Each relies on its kind's default
 * retryability (none of these kinds is transient), so a call site says only what differs.
 */
export function invalidRequest(message: string, extra?: PictorErrorExtra): PictorError {
  return new PictorError({ ...extra, kind: 'invalid_request', message });
}

/** The provider (or a download) answered something Pictor cannot use. */
export function invalidResponse(message: string, extra?: PictorErrorExtra): PictorError {
  return new PictorError({ ...extra, kind: 'invalid_response', message });
}

/** The provider ran the task and it failed (or refused it at submission). */
export function taskFailed(message: string, extra?: PictorErrorExtra): PictorError {
  return new PictorError({ ...extra, kind: 'task_failed', message });
}

/** The task, job or resource asked for does not exist. */
export function notFound(message: string, extra?: PictorErrorExtra): PictorError {
  return new PictorError({ ...extra, kind: 'not_found', message });
}

export function isPictorError(value: unknown): value is PictorError {
  return value instanceof PictorError;
}

export function isAbortError(value: unknown): boolean {
  return (
    (value instanceof PictorError && value.kind === 'aborted') ||
    (value instanceof Error && value.name === 'AbortError')
  );
}

/** Wraps anything thrown into a PictorError, keeping PictorErrors as they are. */
export function toPictorError(error: unknown, provider?: string): PictorError {
  if (error instanceof PictorError) return error;
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    const kind = error.name === 'AbortError' ? 'aborted' : 'timeout';
    return new PictorError({ kind, message: error.message || kind, provider, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return invalidResponse(`Unexpected error: ${message}`, { provider, cause: error });
}

/** The reason of an aborted signal as a PictorError (the caller's reason is kept as cause). */
export function abortedError(signal: AbortSignal | undefined, provider?: string, handle?: TaskHandle): PictorError {
  const reason: unknown = signal?.reason;
  if (reason instanceof PictorError) return handle && !reason.handle ? reason.with({ handle }) : reason;
  const isTimeout = reason instanceof Error && reason.name === 'TimeoutError';
  return new PictorError({
    kind: isTimeout ? 'timeout' : 'aborted',
    message: isTimeout
      ? 'The operation timed out (signal)'
      : handle
        ? `Aborted; the task ${handle.taskId} may still be running: resume it with wait(handle)`
        : 'Aborted by the caller',
    provider,
    handle,
    retryable: false,
    cause: reason,
  });
}
