/**
 * One HTTP request through ky, built for the hot path. ky keeps what it is for: its error types
 * and network-error classification; the URL is joined here (one concatenation). The headers are
 * built once per client, and the request is handed to fetch as a URL and an init: fetch given
 * ky's Request would clone it, piping its body through a new TransformStream on every call
 * (bench/overhead.ts, issue 14). The time limit and abort come as one signal from the caller
 * (deadline.ts), handed straight to fetch: ky's own `timeout` and `signal` would add a timer, an
 * `AbortSignal.any` and a signal-following Request per call. ky forwards options it does not know
 * to fetch, which is how the body and the signal reach `dispatch` below.
 */
import type { KyInstance, Options } from 'ky';

export interface TransportOptions {
  /** Every path is appended to it as is (a `/` is added to the base when it has none). */
  readonly baseURL: string;
  /** Every header sent, auth included; `content-type: application/json` is added for a body. */
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch?: typeof globalThis.fetch | undefined;
}

export interface TransportRequest {
  readonly method: 'get' | 'post';
  /** JSON text, already serialised. */
  readonly body?: string | undefined;
  /** Ends the request (time limit or the caller's abort); fetch follows it, the body stream too. */
  readonly signal: AbortSignal;
}

/** Sends one request to `path` (relative to the base URL, no leading `/`); resolves with the response whatever its status (the caller reads it). */
export type Transport = (path: string, request: TransportRequest) => Promise<Response>;

/**
 * The ky option that carries the request (its body and signal) past ky to `dispatch`: ky passes
 * options it does not know to fetch. One option, the caller's own object: ky merges the options
 * key by key into a new object per key on every call, so each key it is given costs a copy.
 */
const REQUEST = 'pictorRequest';

export function createKyTransport(options: TransportOptions): Transport {
  const base = options.baseURL.endsWith('/') ? options.baseURL : `${options.baseURL}/`;
  const plainHeaders = { ...options.headers };
  const jsonHeaders = { ...options.headers, 'content-type': 'application/json' };
  // Node's fetch ends on its signal; a custom one might not, so its promise is raced against the signal.
  const fetchImpl = options.fetch ? endsOnAbort(options.fetch) : globalThis.fetch;
  const dispatch = (request: Request, init: Record<string, unknown>): Promise<Response> => {
    const { body, signal } = init[REQUEST] as TransportRequest;
    return fetchImpl(request.url, { method: request.method, headers: body === undefined ? plainHeaders : jsonHeaders, body, signal });
  };
  let instance: KyInstance | undefined;
  const create = async (): Promise<KyInstance> => {
    const { default: ky } = await loadKy();
    instance ??= ky.create({
      // No `prefix` or `baseUrl`: `send` joins the URL (`baseUrl` would build a Request per call to resolve it).
      // Retries belong to retry.ts, the only place that knows whether one could pay twice.
      retry: 0,
      // The time limit is the caller's signal (see above).
      timeout: false,
      // Error statuses come back as responses: http.ts reads every body through the same cap.
      throwHttpErrors: false,
      fetch: dispatch as typeof globalThis.fetch,
    });
    return instance;
  };
  const send = (ky: KyInstance, path: string, request: TransportRequest): Promise<Response> =>
    ky(base + path, { method: request.method, [REQUEST]: request } as Options);
  // Once ky is loaded, ky's own promise is returned as is (no async wrapper adopting it).
  return (path, request) => (instance ? send(instance, path, request) : create().then((ky) => send(ky, path, request)));
}

/**
 * A custom fetch (a test double, an instrumented wrapper) that ignores its signal would leave a
 * request the deadline ended pending forever: the promise settles with the abort reason instead.
 */
function endsOnAbort(fetchImpl: typeof globalThis.fetch): typeof globalThis.fetch {
  return (input, init) => {
    const signal = init?.signal;
    if (!signal) return fetchImpl(input, init);
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      const settled = () => signal.removeEventListener('abort', onAbort);
      fetchImpl(input, init).then(resolve, reject).finally(settled);
    });
  };
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
