/**
 * Times read from provider bodies. A hostile or buggy body can send `created: 1e300` or a TTL of
 * 1e20 seconds; `new Date(x).toISOString()` then throws "Invalid time value" (a RangeError that
 * would end a paid generation in an untyped error). These helpers return undefined instead, and
 * the caller documents its fallback (the receive time for `createdAt`, "unknown" for `expiresAt`).
 */

/** 9999-12-31T23:59:59.999Z: beyond it an ISO string needs the extended ±YYYYYY form. */
const MAX_ISO_MS = 253_402_300_799_999;

/** ISO time for epoch milliseconds in [1970, 9999], else undefined. */
export function isoFromEpochMs(ms: number): string | undefined {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_ISO_MS ? new Date(ms).toISOString() : undefined;
}

/** ISO time for epoch seconds (Unix `created` fields); undefined for 0, negatives and absurd values. */
export function isoFromEpochSeconds(seconds: number | undefined): string | undefined {
  return seconds !== undefined && seconds > 0 ? isoFromEpochMs(seconds * 1000) : undefined;
}

/** ISO time `offsetMs` after an ISO time; undefined when either is unusable. */
export function isoAfter(iso: string, offsetMs: number): string | undefined {
  return isoFromEpochMs(Date.parse(iso) + offsetMs);
}

let lastNowMs = -1;
let lastNowIso = '';

/**
 * `new Date().toISOString()`, reusing the string while the clock stays on the same millisecond:
 * a call stamps two or three times (submitted, created, completed), and the conversion showed up
 * in the hot path's profile (bench/hot-path).
 */
export function nowIso(): string {
  const ms = Date.now();
  if (ms !== lastNowMs) {
    lastNowMs = ms;
    lastNowIso = new Date(ms).toISOString();
  }
  return lastNowIso;
}
