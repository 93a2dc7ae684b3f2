/**
 * Key redaction. Every message Pictor builds passes through here, and every
 * provider registers the key it holds, so a key echoed back by a provider
 * (some echo the Authorization header in error bodies) never reaches a log.
 */

const registered = new Set<string>();

/** Keys shorter than this are not registered: redacting "ab" would mangle text. */
const MIN_KEY_LENGTH = 8;

/** Remember a secret so that every later message is scrubbed of it. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= MIN_KEY_LENGTH) registered.add(secret);
}

export const REDACTED = '[REDACTED]';

/**
 * Patterns that look like credentials whatever their origin: bearer tokens,
 * `sk-`/`key-` style keys, Z.AI's `id.secret` keys, and key=... query params.
 */
const KEY_PATTERNS: readonly RegExp[] = [
  /(authorization["']?\s*[:=]\s*["']?)(bearer\s+)?[^\s"',}]+/gi,
  /\bbearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(sk|pk|key|api[_-]?key)[-_][A-Za-z0-9]{16,}\b/gi,
  /\b[a-f0-9]{32}\.[A-Za-z0-9]{16,}\b/g,
  /([?&](api[_-]?key|key|token|access_token)=)[^&\s"']+/gi,
];

/** Redacts registered keys, `extra` secrets (any length) and key-like strings. */
export function redactSecrets(text: string, extra: readonly string[] = []): string {
  let out = text;
  for (const secret of [...registered, ...extra]) {
    if (secret && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of KEY_PATTERNS) {
    out = out.replace(pattern, (match, prefix: unknown) =>
      typeof prefix === 'string' && /[:=]\s*["']?$/.test(prefix) ? `${prefix}${REDACTED}` : REDACTED,
    );
  }
  return out;
}

/** Deep-copies a JSON-like value with every string redacted (for raw bodies on errors and fixtures). */
export function redactValue<T>(value: T, extra: readonly string[] = []): T {
  if (typeof value === 'string') return redactSecrets(value, extra) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, extra)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = /^(authorization|api[_-]?key|x-api-key)$/i.test(k) ? REDACTED : redactValue(v, extra);
    }
    return out as T;
  }
  return value;
}
