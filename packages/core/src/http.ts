/**
 * The HTTP client every adapter shares, on ky. It owns what is the same for all
 * providers: base URL (TLS unless loopback or allowInsecure), bearer auth,
 * per-request timeouts, abort, Retry-After, a cap on the bytes read
 * per response, lossless JSON, classification of transport failures (did the
 * request reach the provider?) and key redaction. Retries are NOT done here:
 * ky's own retry is off because only the stage-aware policy in retry.ts knows
 * whether a retry could pay twice.
 */
import { PictorError, abortedError, invalidResponse, type ErrorKind, type PictorErrorOptions, type SubmitOutcome } from './errors.ts';
import { parseJsonLossless } from './json.ts';
import { RequestDeadline } from './deadline.ts';
import { createKyTransport, loadKy } from './ky-transport.ts';
import { Redactor, redactSecrets, redactValue } from './redact.ts';
import { DEFAULT_MAX_RESPONSE_BYTES, TIMED_OUT, TOO_LARGE, readCappedText } from './response-body.ts';
import { parseRetryAfter } from './retry-after.ts';
import { checkBaseURL, checkHeaders } from './transport-policy.ts';
import type { ProviderClientOptions } from './provider-options.ts';

/** What an adapter learns from an error body; http.ts fills in the rest. */
export type ErrorMapping = Readonly<Pick<PictorErrorOptions, 'kind'> & Partial<Pick<PictorErrorOptions, 'message' | 'providerCode' | 'retryable' | 'submitOutcome'>>>;

export interface HttpErrorContext {
  readonly status: number;
  /** Parsed JSON body, or the text when it is not JSON, or undefined. */
  readonly body: unknown;
  readonly headers: Headers;
  readonly method: string;
  readonly path: string;
}

/** Translates a provider's error response into a kind. Return undefined to use the status default. */
export type ErrorMapper = (context: HttpErrorContext) => ErrorMapping | undefined;

/** The transport half of ProviderClientOptions (timeoutMs: per attempt, default 60 s), plus what http needs. */
export interface HttpClientOptions
  extends Pick<ProviderClientOptions, 'apiKey' | 'headers' | 'fetch' | 'timeoutMs' | 'maxResponseBytes' | 'allowInsecure'> {
  readonly provider: string;
  readonly baseURL: string;
  /** Message for the authentication error raised at call time when no key is set. */
  readonly missingKeyMessage?: string | undefined;
  readonly mapError?: ErrorMapper | undefined;
}

export interface HttpRequest {
  readonly json?: unknown;
  readonly searchParams?: Record<string, string> | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * This request's timeout in ms, for the headers and again for the body (e.g. a sync generation
   * that holds the connection for minutes).
   * @default the client's timeoutMs
   */
  readonly timeoutMs?: number | undefined;
}

export interface HttpResponse {
  readonly status: number;
  readonly data: unknown;
  readonly headers: Headers;
  readonly requestId: string | undefined;
}

export interface HttpClient {
  readonly provider: string;
  readonly baseURL: string;
  /** Removes this client's key from anything it lets out; pass it to createProvider's defaults. */
  readonly redactor: Redactor;
  get(path: string, request?: HttpRequest): Promise<HttpResponse>;
  post(path: string, request?: HttpRequest): Promise<HttpResponse>;
}

/**
 * Error codes Node's fetch (undici) reports when the connection was never made:
 * the request provably did not reach the provider, so a submit is safe to retry.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CONNECT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/**
 * Builds the client once per provider. Construction refuses, as invalid_request, a key or header
 * fetch could not send and a plain-http base URL (see transport-policy.ts). Per call, the hot
 * path is one ky call (see ky-transport.ts) and one capped body read.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const provider = options.provider;
  checkHeaders(provider, options.apiKey, options.headers);
  checkBaseURL(options.baseURL, provider, options.allowInsecure);
  const redactor = new Redactor([options.apiKey]);
  const baseURL = options.baseURL.endsWith('/') ? options.baseURL : `${options.baseURL}/`;
  const defaultTimeoutMs = options.timeoutMs ?? 60_000;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const transport = createKyTransport({
    baseURL,
    headers: {
      accept: 'application/json',
      ...options.headers,
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    },
    fetch: options.fetch,
  });

  const send = async (method: 'get' | 'post', path: string, request: HttpRequest = {}): Promise<HttpResponse> => {
    if (!options.apiKey) {
      throw new PictorError({
        kind: 'authentication',
        provider,
        message: options.missingKeyMessage ?? `No API key configured for ${provider}`,
        submitOutcome: 'not_created',
      });
    }
    // Aborted before anything was sent: provably nothing was created.
    if (request.signal?.aborted) throw abortedError(request.signal, provider).with({ submitOutcome: 'not_created' });
    const relative = path.charCodeAt(0) === 47 ? path.slice(1) : path;
    const url = request.searchParams ? `${relative}?${new URLSearchParams(request.searchParams)}` : relative;
    const timeoutMs = request.timeoutMs ?? defaultTimeoutMs;
    const where = { provider, method, path: relative, timeoutMs };
    // One signal ends the request: timeoutMs for the headers, timeoutMs again for the body, or the caller's abort.
    const deadline = new RequestDeadline(timeoutMs, request.signal);
    let response: Response;
    let text: Awaited<ReturnType<typeof readCappedText>>;
    try {
      response = await transport(url, {
        method,
        body: request.json === undefined ? undefined : JSON.stringify(request.json),
        signal: deadline.signal,
      });
      deadline.restart();
      text = await readCappedText(response, maxBytes, deadline);
    } catch (error) {
      throw await toHttpError(error, where, request.signal, deadline.timedOut);
    } finally {
      deadline.done();
    }
    if (!response.ok) throw statusError(response, text, where, options.mapError);
    const requestId = response.headers.get('x-request-id') ?? response.headers.get('x-log-id') ?? undefined;
    if (typeof text !== 'string') throw unreadableBody(text, response.status, requestId, where, maxBytes);
    return { status: response.status, data: parseBody(text, response.status, requestId, where), headers: response.headers, requestId };
  };

  // Every error leaves through the client's own redactor: the key is removed from messages,
  // bodies and object keys, and causes (a SyntaxError quoting the body) become plain copies.
  const redacted = (error: unknown): never => {
    throw redactor.error(error);
  };
  return {
    provider,
    baseURL,
    redactor,
    get: (path, request) => send('get', path, request).catch(redacted),
    post: (path, request) => send('post', path, request).catch(redacted),
  };
}

/** A 2xx body as JSON (lossless for big ids); empty is undefined, anything else an invalid_response. */
function parseBody(text: string, status: number, requestId: string | undefined, site: CallSite): unknown {
  try {
    return /\S/.test(text) ? parseJsonLossless(text) : undefined;
  } catch (error) {
    throw new PictorError({
      kind: 'invalid_response',
      provider: site.provider,
      status,
      requestId,
      message: `${site.provider} answered ${site.method.toUpperCase()} /${site.path} with a body that is not JSON: ${snippet(text)}`,
      // Garbage is usually a gateway hiccup: a status read may try again (reads are free), but a
      // 2xx with garbage after a POST may have created a task, so a submit is not repeated.
      retryable: true,
      submitOutcome: 'unknown',
      cause: error,
    });
  }
}

/** Where a call went, for error messages. */
interface CallSite {
  readonly provider: string;
  readonly method: string;
  readonly path: string;
  readonly timeoutMs: number;
}

/**
 * A 2xx whose body could not be read: too large or too slow. After a POST the task may exist
 * (outcome unknown), so a submit is never repeated on it; a too-large body is not retried either.
 */
function unreadableBody(
  reason: typeof TOO_LARGE | typeof TIMED_OUT,
  status: number,
  requestId: string | undefined,
  site: CallSite,
  maxBytes: number,
): PictorError {
  const where = `${site.method.toUpperCase()} /${site.path}`;
  if (reason === TIMED_OUT) {
    return new PictorError({
      kind: 'timeout',
      provider: site.provider,
      status,
      requestId,
      submitOutcome: 'unknown',
      message: `${site.provider} ${where}: the response body did not arrive within ${site.timeoutMs} ms`,
    });
  }
  return invalidResponse(
    `${site.provider} answered ${where} with a body over ${maxBytes} bytes (maxResponseBytes); it was not read. ` +
      'If this was a submit, the task may exist: check the provider console before submitting again',
    { provider: site.provider, status, requestId, submitOutcome: 'unknown', details: { maxResponseBytes: maxBytes } },
  );
}

/** A non-2xx answer as a PictorError: the adapter's mapping first, then the status. */
function statusError(
  response: Response,
  text: string | typeof TOO_LARGE | typeof TIMED_OUT,
  site: CallSite,
  mapError: ErrorMapper | undefined,
): PictorError {
  const { status, headers } = response;
  const where = `${site.method.toUpperCase()} /${site.path}`;
  // An unreadable error body does not hide the status: it still says what happened.
  const body = typeof text === 'string' ? errorBody(text) : undefined;
  const mapped = mapError?.({ status, body, headers, method: site.method, path: site.path });
  const kind = mapped?.kind ?? kindForStatus(status);
  const requestId = headers.get('x-request-id') ?? headerlessRequestId(body);
  const detail =
    mapped?.message ?? bodyMessage(body) ?? (typeof text === 'string' ? response.statusText : `(body not read: ${text === TOO_LARGE ? 'over maxResponseBytes' : 'too slow'})`);
  return new PictorError({
    kind,
    provider: site.provider,
    status,
    providerCode: mapped?.providerCode,
    requestId,
    retryAfterMs: parseRetryAfter(headers),
    retryable: mapped?.retryable,
    submitOutcome: mapped?.submitOutcome ?? outcomeForStatus(status),
    message: `${site.provider} ${where} failed with HTTP ${status}${mapped?.providerCode ? ` (code ${mapped.providerCode})` : ''}: ${detail}`,
    details: { body: redactValue(body) },
  });
}

/** An error body: parsed JSON when it is JSON, else the text, else undefined. */
function errorBody(text: string): unknown {
  if (!/\S/.test(text)) return undefined;
  try {
    return parseJsonLossless(text);
  } catch {
    return text;
  }
}

async function toHttpError(error: unknown, site: CallSite, signal: AbortSignal | undefined, timedOut: boolean): Promise<PictorError> {
  const provider = site.provider;
  const where = `${site.method.toUpperCase()} /${site.path}`;
  if (signal?.aborted) return abortedError(signal, provider);
  if (timedOut) {
    return new PictorError({
      kind: 'timeout',
      provider,
      submitOutcome: 'unknown',
      message: `${provider} ${where} got no response within ${site.timeoutMs} ms`,
      cause: safeCause(error),
    });
  }
  const { isNetworkError } = await loadKy();
  if (isNetworkError(error) || error instanceof TypeError) {
    const code = errorCode(error);
    const notSent = code !== undefined && NOT_SENT_CODES.has(code);
    return new PictorError({
      kind: 'network',
      provider,
      submitOutcome: notSent ? 'not_created' : 'unknown',
      message: `${provider} ${where}: network error${code ? ` ${code}` : ''}${notSent ? ' (the request was not sent)' : ''}`,
      details: code ? { code } : undefined,
      cause: safeCause(error),
    });
  }
  if (error instanceof Error && error.name === 'AbortError') return abortedError(signal, provider);
  if (error instanceof PictorError) return error;
  return new PictorError({
    kind: 'network',
    provider,
    submitOutcome: 'unknown',
    message: `${provider} ${where}: ${error instanceof Error ? error.message : String(error)}`,
    cause: safeCause(error),
  });
}

/**
 * ky's errors carry the Request, whose headers hold the Authorization header: a
 * `console.log(error)` would print the key through the cause chain. The cause kept is a plain
 * error with ky's message (method and URL, no headers) and the low-level cause (ECONNREFUSED...).
 */
function safeCause(error: unknown): unknown {
  if (!(error instanceof Error) || !('request' in error || 'response' in error)) return error;
  const inner = (error as { cause?: unknown }).cause;
  const keep = inner instanceof Error && !('request' in inner) ? inner : undefined;
  const plain = new Error(redactSecrets(error.message), keep ? { cause: keep } : undefined);
  plain.name = error.name;
  return plain;
}

/** Walks the cause chain for a system error code such as ECONNREFUSED. */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = errorCode(errors[0]);
      if (inner) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function kindForStatus(status: number): ErrorKind {
  if (status === 400 || status === 422 || status === 413 || status === 435) return 'invalid_request';
  if (status === 401) return 'authentication';
  if (status === 403 || status === 434) return 'permission';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 402) return 'insufficient_quota';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'provider_unavailable';
  return 'invalid_response';
}

/**
 * An error mapper's last resort: a provider code or message nobody recognised. The status decides
 * the kind and the provider's code and message are kept; with neither, http.ts's defaults apply.
 */
export function mappingByStatus(status: number, providerCode: string | undefined, message: string | undefined): ErrorMapping | undefined {
  return providerCode || message ? { kind: kindForStatus(status), providerCode, message } : undefined;
}

/**
 * Whether a failed POST may have created a task. A 4xx is a refusal; 503 is the
 * front door saying "not now". 500, 502 and 504 may come after the work was
 * queued, so they are ambiguous and a submit is not retried on them.
 */
export function outcomeForStatus(status: number): SubmitOutcome {
  if (status >= 400 && status < 500 && status !== 408) return 'not_created';
  if (status === 503) return 'not_created';
  return 'unknown';
}

function bodyMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return snippet(body);
  if (!body || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  const nested = record.error;
  if (nested && typeof nested === 'object') {
    const message = (nested as Record<string, unknown>).message;
    if (typeof message === 'string') return message;
  }
  for (const key of ['message', 'msg', 'reason', 'error']) {
    if (typeof record[key] === 'string') return record[key];
  }
  return undefined;
}

function headerlessRequestId(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const id = (body as Record<string, unknown>).request_id;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return undefined;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || '(empty)';
}
