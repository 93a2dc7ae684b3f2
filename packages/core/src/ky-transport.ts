/**
 * One HTTP request through ky, built for the hot path. ky keeps what it is for: the URL under
 * the base URL, the per-request timeout, abort signals and its error types. The headers are
 * built once per client, and the request is handed to fetch as a URL and an init: fetch given
 * ky's Request would clone it, piping its body through a new TransformStream on every call
 * (bench/overhead.ts, issue 14). ky forwards options it does not know to fetch, which is how the
 * body reaches `dispatch` below.
 */
import type { KyInstance, Options } from 'ky';

export interface TransportOptions {
  readonly baseURL: string;
  /** Every header sent, auth included; `content-type: application/json` is added for a body. */
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch?: typeof globalThis.fetch | undefined;
}

export interface TransportRequest {
  readonly method: 'get' | 'post';
  /** JSON text, already serialised. */
  readonly body?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs: number;
}

/** Sends one request; resolves with the response whatever its status (the caller reads it). */
export type Transport = (path: string, request: TransportRequest) => Promise<Response>;

/** The ky option that carries the body past ky to `dispatch` (ky passes unknown options to fetch). */
const BODY = 'pictorBody';

export function createKyTransport(options: TransportOptions): Transport {
  const plainHeaders = { ...options.headers };
  const jsonHeaders = { ...options.headers, 'content-type': 'application/json' };
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const dispatch = (request: Request, init: Record<string, unknown>): Promise<Response> => {
    const body = init[BODY] as string | undefined;
    return fetchImpl(request.url, { method: request.method, headers: body === undefined ? plainHeaders : jsonHeaders, body, signal: request.signal });
  };
  let instance: KyInstance | undefined;
  const create = async (): Promise<KyInstance> => {
    const { default: ky } = await loadKy();
    instance ??= ky.create({
      // `prefix` joins strings; `baseUrl` would build a Request per call just to resolve the URL.
      prefix: options.baseURL,
      // Retries belong to retry.ts, the only place that knows whether one could pay twice.
      retry: 0,
      // Error statuses come back as responses: http.ts reads every body through the same cap.
      throwHttpErrors: false,
      fetch: dispatch as typeof globalThis.fetch,
    });
    return instance;
  };
  const send = (ky: KyInstance, path: string, request: TransportRequest): Promise<Response> => {
    const kyOptions: Options & { [BODY]?: string } = { method: request.method, timeout: request.timeoutMs };
    if (request.signal) kyOptions.signal = request.signal;
    if (request.body !== undefined) kyOptions[BODY] = request.body;
    return ky(path, kyOptions);
  };
  // Once ky is loaded, ky's own promise is returned as is (no async wrapper adopting it).
  return (path, request) => (instance ? send(instance, path, request) : create().then((ky) => send(ky, path, request)));
}

/**
 * ky is loaded on the first request, not at import: it is a third of core's cold import time
 * (bench/footprint.ts), and code that never makes a request (the mock, validation, the CLI's
 * `models`) should not pay for it.
 */
let kyModule: Promise<typeof import('ky')> | undefined;
export function loadKy(): Promise<typeof import('ky')> {
  kyModule ??= import('ky');
  return kyModule;
}
