/**
 * The HTTP client every adapter shares, on ky. It owns what is the same for all
 * providers: base URL, bearer auth, per-attempt and total timeouts, abort,
 * Retry-After, lossless JSON, classification of transport failures (did the
 * request reach the provider?) and key redaction. Retries are NOT done here:
 * ky's own retry is off because only the stage-aware policy in retry.ts knows
 * whether a retry could pay twice.
 */
import type { KyInstance } from 'ky';
import { PictorError, abortedError, type ErrorKind, type SubmitOutcome } from './errors.ts';
import { parseJsonLossless } from './json.ts';
import { Redactor, redactSecrets, redactValue } from './redact.ts';
import { parseRetryAfter } from './retry-after.ts';
import type { ProviderClientOptions } from './types.ts';

/** What an adapter learns from an error body; http.ts fills in the rest. */
export interface ErrorMapping {
  readonly kind: ErrorKind;
  readonly message?: string | undefined;
  readonly providerCode?: string | undefined;
  readonly retryable?: boolean | undefined;
  readonly submitOutcome?: SubmitOutcome | undefined;
}

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
export interface HttpClientOptions extends Pick<ProviderClientOptions, 'apiKey' | 'headers' | 'fetch' | 'timeoutMs'> {
  readonly provider: string;
  readonly baseURL: string;
  /** Message for the authentication error raised at call time when no key is set. */
  readonly missingKeyMessage?: string | undefined;
  /** Optional upper bound for one call including the body read (default: none beyond timeoutMs). */
  readonly totalTimeoutMs?: number | undefined;
  readonly mapError?: ErrorMapper | undefined;
}

export interface HttpRequest {
  readonly json?: unknown;
  readonly searchParams?: Record<string, string> | undefined;
  readonly signal?: AbortSignal | undefined;
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

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const redactor = new Redactor([options.apiKey]);
  const baseURL = options.baseURL.endsWith('/') ? options.baseURL : `${options.baseURL}/`;
  let instance: KyInstance | undefined;
  const client = async (): Promise<KyInstance> => {
    const { default: ky } = await loadKy();
    instance ??= ky.create({
      baseUrl: baseURL,
      retry: 0,
      timeout: options.timeoutMs ?? 60_000,
      ...(options.totalTimeoutMs !== undefined ? { totalTimeout: options.totalTimeoutMs } : {}),
      throwHttpErrors: true,
      parseJson: (text: string) => parseJsonLossless(text),
      headers: {
        accept: 'application/json',
        ...options.headers,
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    return instance;
  };

  const send = async (method: 'get' | 'post', path: string, request: HttpRequest = {}): Promise<HttpResponse> => {
    if (!options.apiKey) {
      throw new PictorError({
        kind: 'authentication',
        provider: options.provider,
        message: options.missingKeyMessage ?? `No API key configured for ${options.provider}`,
        retryable: false,
        submitOutcome: 'not_created',
      });
    }
    // Aborted before anything was sent: provably nothing was created.
    if (request.signal?.aborted) throw abortedError(request.signal, options.provider).with({ submitOutcome: 'not_created' });
    const relative = path.replace(/^\//, '');
    let response: Response;
    let text: string;
    try {
      const pending = (await client())(relative, {
        method,
        ...(request.json !== undefined ? { json: request.json } : {}),
        ...(request.searchParams ? { searchParams: request.searchParams } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      });
      // ky's .text() bounds the body read by the same timeout as the headers.
      text = await pending.text();
      response = await pending;
    } catch (error) {
      throw await toHttpError(error, options, method, relative, request.signal);
    }
    const requestId = response.headers.get('x-request-id') ?? response.headers.get('x-log-id') ?? undefined;
    let data: unknown;
    try {
      data = text.trim() === '' ? undefined : parseJsonLossless(text);
    } catch (error) {
      throw new PictorError({
        kind: 'invalid_response',
        provider: options.provider,
        status: response.status,
        requestId,
        message: `${options.provider} answered ${method.toUpperCase()} /${relative} with a body that is not JSON: ${snippet(text)}`,
        // Garbage is usually a gateway hiccup: a status read may try again (reads are free), but a
        // 2xx with garbage after a POST may have created a task, so a submit is not repeated.
        retryable: true,
        submitOutcome: 'unknown',
        cause: error,
      });
    }
    return { status: response.status, data, headers: response.headers, requestId };
  };

  // Every error leaves through the client's own redactor: the key is removed from messages,
  // bodies and object keys, and causes (a SyntaxError quoting the body) become plain copies.
  const redacted = (error: unknown): never => {
    throw redactor.error(error);
  };
  return {
    provider: options.provider,
    baseURL,
    redactor,
    get: (path, request) => send('get', path, request).catch(redacted),
    post: (path, request) => send('post', path, request).catch(redacted),
  };
}

async function toHttpError(
  error: unknown,
  options: HttpClientOptions,
  method: string,
  path: string,
  signal: AbortSignal | undefined,
): Promise<PictorError> {
  const provider = options.provider;
  const where = `${method.toUpperCase()} /${path}`;
  if (signal?.aborted) return abortedError(signal, provider);
  const { isHTTPError, isNetworkError, isTimeoutError } = await loadKy();
  if (isHTTPError(error)) {
    const status = error.response.status;
    const headers = error.response.headers;
    const body: unknown = error.data;
    const mapped = options.mapError?.({ status, body, headers, method, path });
    const kind = mapped?.kind ?? kindForStatus(status);
    const requestId = headers.get('x-request-id') ?? headerlessRequestId(body);
    const detail = mapped?.message ?? bodyMessage(body) ?? error.response.statusText;
    return new PictorError({
      kind,
      provider,
      status,
      providerCode: mapped?.providerCode,
      requestId,
      retryAfterMs: parseRetryAfter(headers),
      retryable: mapped?.retryable,
      submitOutcome: mapped?.submitOutcome ?? outcomeForStatus(status),
      message: `${provider} ${where} failed with HTTP ${status}${mapped?.providerCode ? ` (code ${mapped.providerCode})` : ''}: ${detail}`,
      details: { body: redactValue(body) },
      cause: safeCause(error),
    });
  }
  if (isTimeoutError(error)) {
    return new PictorError({
      kind: 'timeout',
      provider,
      submitOutcome: 'unknown',
      message: `${provider} ${where} got no response within ${options.timeoutMs ?? 60_000} ms`,
      cause: safeCause(error),
    });
  }
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

/**
 * ky is loaded on the first request, not at import: it is a third of core's cold import time
 * (bench/footprint), and code that never makes a request (the mock, validation, the CLI's
 * `models`) should not pay for it.
 */
let kyModule: Promise<typeof import('ky')> | undefined;
function loadKy(): Promise<typeof import('ky')> {
  kyModule ??= import('ky');
  return kyModule;
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
