/**
 * Key redaction. Two layers:
 * - patterns that look like credentials whatever their origin (bearer tokens, `sk-` keys...),
 *   applied to every PictorError message and details by the PictorError constructor;
 * - a {@link Redactor} scoped to one provider instance, which knows that instance's key and
 *   removes it (any length, JSON- and URL-encoded forms too) from everything the instance
 *   lets out: messages, details, object keys, and the cause chain.
 * There is no process-wide registry: a key lives as long as the provider holding it.
 *
 * Every walk here is iterative and bounded: a hostile 100k-deep error body must not overflow
 * the stack (that would turn a retryable 500 into a crash or a non-retryable error).
 */
import { PictorError } from './errors.ts';

export const REDACTED = '[REDACTED]';
/** What replaces a value nested deeper than {@link MAX_REDACT_DEPTH}. */
export const TRUNCATED = '[TRUNCATED]';
/** Copies of untrusted values stop at this depth: enough for any real body, bounded for logs. */
export const MAX_REDACT_DEPTH = 64;
/** Cause chains are flattened to at most this many plain errors. */
const MAX_CAUSE_DEPTH = 5;

/**
 * Patterns that look like credentials whatever their origin: bearer tokens,
 * `sk-`/`key-` style keys, Z.AI's `id.secret` keys, and key=... query params.
 */
const KEY_PATTERNS: readonly RegExp[] = [
  /(authorization["']?\s*[:=]\s*["']?)(bearer\s+)?[^\s"',}]+/gi,
  /\bbearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  // Segments joined by - or _ too: sk-proj-…, sk-ant-api03-….
  /\b(sk|pk|key|api[_-]?key)[-_][A-Za-z0-9][A-Za-z0-9_-]{15,}/gi,
  /\b[a-f0-9]{32}\.[A-Za-z0-9]{16,}\b/g,
  /([?&](api[_-]?key|key|token|access_token)=)[^&\s"']+/gi,
];

/** Field names whose value is a credential whatever it holds. */
const CREDENTIAL_FIELD = /^(authorization|api[_-]?key|x-api-key)$/i;

/** Redacts the `extra` secrets (any length) and key-like strings. */
export function redactSecrets(text: string, extra: readonly string[] = []): string {
  let out = text;
  for (const secret of extra) {
    if (secret && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of KEY_PATTERNS) {
    out = out.replace(pattern, (match, prefix: unknown) =>
      typeof prefix === 'string' && /[:=]\s*["']?$/.test(prefix) ? `${prefix}${REDACTED}` : REDACTED,
    );
  }
  return out;
}

interface Pending {
  readonly source: unknown;
  readonly depth: number;
  readonly assign: (value: unknown) => void;
}

/**
 * Copies a JSON-like value with every string and every object key redacted (raw bodies on
 * errors, fixtures). Iterative; nesting beyond {@link MAX_REDACT_DEPTH} becomes "[TRUNCATED]";
 * shared and cyclic references are copied once.
 */
export function redactValue<T>(value: T, extra: readonly string[] = []): T {
  let root: unknown;
  const copies = new Map<object, unknown>();
  const stack: Pending[] = [{ source: value, depth: 0, assign: (v) => (root = v) }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { source, depth, assign } = item;
    if (typeof source === 'string') {
      assign(redactSecrets(source, extra));
    } else if (source === null || typeof source !== 'object') {
      assign(source);
    } else if (copies.has(source)) {
      assign(copies.get(source));
    } else if (depth >= MAX_REDACT_DEPTH) {
      assign(TRUNCATED);
    } else if (Array.isArray(source)) {
      const out: unknown[] = new Array<unknown>(source.length);
      copies.set(source, out);
      assign(out);
      for (let i = 0; i < source.length; i++) stack.push({ source: source[i], depth: depth + 1, assign: (v) => (out[i] = v) });
    } else {
      const out: Record<string, unknown> = {};
      copies.set(source, out);
      assign(out);
      for (const [key, child] of Object.entries(source)) {
        const safeKey = freeKey(out, redactSecrets(key, extra));
        // Assigned now (in key order), so a later key redacted to the same text sees it taken.
        out[safeKey] = CREDENTIAL_FIELD.test(key) ? REDACTED : undefined;
        if (!CREDENTIAL_FIELD.test(key)) stack.push({ source: child, depth: depth + 1, assign: (v) => (out[safeKey] = v) });
      }
    }
  }
  return root as T;
}

/** Two keys redacted to the same text must not overwrite each other. */
function freeKey(target: Record<string, unknown>, key: string): string {
  if (!Object.hasOwn(target, key)) return key;
  let n = 2;
  while (Object.hasOwn(target, `${key}#${n}`)) n++;
  return `${key}#${n}`;
}

/**
 * Redaction scoped to one provider (or client) instance: it knows that instance's secrets and
 * nothing else, and is dropped with it.
 */
export class Redactor {
  readonly #secrets: readonly string[];

  /** Every non-empty secret is redacted, however short: a 4-character key is still a key. */
  constructor(secrets: Iterable<string | undefined> = []) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (!secret) continue;
      // The forms a key takes when a provider echoes it inside JSON or a URL.
      forms.add(secret);
      forms.add(JSON.stringify(secret).slice(1, -1));
      forms.add(urlEncoded(secret));
    }
    // Longest first, so that a key containing another is removed whole.
    this.#secrets = [...forms].sort((a, b) => b.length - a.length);
  }

  text(text: string): string {
    return redactSecrets(text, this.#secrets);
  }

  value<T>(value: T): T {
    return redactValue(value, this.#secrets);
  }

  /**
   * Anything thrown, as a PictorError safe to show: message, codes, details and every attempt
   * redacted, and the cause chain replaced by plain errors carrying only a redacted name,
   * message and code (a SyntaxError quoting a body that echoes the key, a request whose
   * headers hold it). Non-PictorErrors are returned as they are (core wraps them later).
   */
  error<E>(error: E): E {
    if (!(error instanceof PictorError)) return error;
    const redacted = error.with({
      message: this.text(error.message),
      providerCode: error.providerCode === undefined ? undefined : this.text(error.providerCode),
      requestId: error.requestId === undefined ? undefined : this.text(error.requestId),
      details: error.details === undefined ? undefined : this.value(error.details),
      attempts: error.attempts.map((attempt) => this.error(attempt)),
      cause: this.cause(error.cause),
    });
    // Keep where the error was raised, not where it was redacted. Lazily: formatting a stack is
    // costly (source maps), and most errors are handled without anyone reading it.
    let stack: string | undefined;
    Object.defineProperty(redacted, 'stack', {
      configurable: true,
      enumerable: false,
      get: () => (stack ??= this.text(error.stack ?? `${redacted.name}: ${redacted.message}`)),
      set: (value: string) => void (stack = value),
    });
    return redacted as E;
  }

  /** A plain copy of a cause chain: name, redacted message and system code only. */
  cause(cause: unknown): unknown {
    if (cause === undefined) return undefined;
    const chain: unknown[] = [];
    for (let c: unknown = cause; c !== undefined && c !== null && chain.length < MAX_CAUSE_DEPTH; c = (c as { cause?: unknown }).cause) {
      chain.push(c);
      if (typeof c !== 'object') break;
    }
    let plain: Error | undefined;
    for (const link of chain.reverse()) {
      const source = link instanceof Error ? link : undefined;
      const message = source ? source.message : typeof link === 'string' ? link : safeString(link);
      const copy = new Error(this.text(message), plain ? { cause: plain } : undefined);
      copy.name = source?.name ?? 'Error';
      copy.stack = `${copy.name}: ${copy.message}`;
      const code = (link as { code?: unknown } | null)?.code;
      if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code: this.text(String(code)) });
      plain = copy;
    }
    return plain;
  }
}

/** encodeURIComponent, which throws on a lone surrogate (a garbage key must not crash construction). */
function urlEncoded(secret: string): string {
  try {
    return encodeURIComponent(secret);
  } catch {
    return secret;
  }
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '(unprintable cause)';
  }
}
