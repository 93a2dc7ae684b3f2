/**
 * Per-call HTTP headers for a client built once. The AI SDK passes `headers` to
 * every doGenerate, but Pictor's providers take headers when they are created.
 * Rather than building a client (and its breakers) per call, each HTTP provider
 * gets a `fetch` that adds the headers of the call it runs in, found through an
 * AsyncLocalStorage scope; the same scope records the last API response's
 * headers for the SDK's `response.headers`.
 *
 * AsyncLocalStorage exists in Node, Bun, Deno and edge runtimes with Node
 * compatibility; this package needs it (core does not).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ProviderFactory, ProviderRegistration, ProviderRegistry } from '@pictor/core';

export interface CallScope {
  /** Headers to add to every provider API request of this call. */
  readonly headers: Readonly<Record<string, string>>;
  /** Headers of the last provider API response seen in this call. */
  responseHeaders?: Record<string, string> | undefined;
}

const scope = new AsyncLocalStorage<CallScope>();

/** Runs `run` with `call` as the scope its provider requests see. */
export function withCallScope<T>(call: CallScope, run: () => Promise<T>): Promise<T> {
  return scope.run(call, run);
}

/**
 * Headers a call may not set: the provider's key is Pictor's to send (and to
 * redact), and transport headers belong to fetch.
 */
const RESERVED = new Set(['authorization', 'host', 'content-length', 'content-type']);

/** The SDK's headers without undefined values and reserved names. */
export function callHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && !RESERVED.has(name.toLowerCase())) out[name] = value;
  }
  return out;
}

/** A fetch that adds the current call's headers and records the response's. */
export function scopedFetch(base: typeof globalThis.fetch = globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    const call = scope.getStore();
    if (!call) return base(input, init);
    const response = input instanceof Request && init?.headers === undefined && setAll(input.headers, call.headers)
      ? await base(input, init)
      : await base(input, { ...init, headers: merged(init?.headers ?? (input instanceof Request ? input.headers : undefined), call.headers) });
    call.responseHeaders = Object.fromEntries(response.headers.entries());
    return response;
  };
}

/**
 * Sets the headers on a Request's own Headers (ky builds a fresh Request per attempt, so no copy is
 * needed); false when they are immutable, and the caller then sends a merged copy instead.
 */
function setAll(target: Headers, extra: Readonly<Record<string, string>>): boolean {
  try {
    for (const [name, value] of Object.entries(extra)) target.set(name, value);
    return true;
  } catch {
    return false;
  }
}

function merged(base: HeadersInit | undefined, extra: Readonly<Record<string, string>>): Headers {
  const headers = new Headers(base);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return headers;
}

/** True when a registration's config schema has a `fetch` field (every HTTP adapter built on core's schema). */
function acceptsFetch(registration: ProviderRegistration): boolean {
  // Duck-typed rather than instanceof: the schema may come from another copy of zod.
  const shape = (registration.configSchema as { shape?: unknown } | undefined)?.shape;
  return typeof shape === 'object' && shape !== null && 'fetch' in shape;
}

/**
 * The registry with each HTTP provider's `fetch` scoped. Providers without a
 * `fetch` option (the in-process mock, a factory without a schema) are left as
 * they are: they send no HTTP request a header could go on.
 */
export function scopeRegistry(registry: ProviderRegistry): ProviderRegistry {
  const out: Record<string, ProviderRegistration> = {};
  for (const [id, entry] of Object.entries(registry)) {
    const registration: ProviderRegistration = typeof entry === 'function' ? { create: entry as ProviderFactory } : entry;
    out[id] = acceptsFetch(registration)
      ? {
          configSchema: registration.configSchema,
          create: (config) => registration.create({ ...config, fetch: scopedFetch(config.fetch as typeof globalThis.fetch | undefined) }),
        }
      : registration;
  }
  return out;
}
