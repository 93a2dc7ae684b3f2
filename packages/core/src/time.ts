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
  if (seconds === undefined || !(seconds > 0)) return undefined;
  // Bodies answered in the same second carry the same `created`: the last conversion is reused.
  if (seconds !== lastSeconds) {
    lastSeconds = seconds;
    lastSecondsIso = isoFromEpochMs(seconds * 1000);
  }
  return lastSecondsIso;
}

let lastSeconds: number | undefined;
let lastSecondsIso: string | undefined;

/** ISO time `offsetMs` after an ISO time; undefined when either is unusable. */
export function isoAfter(iso: string, offsetMs: number): string | undefined {
  // Every image of a model gets `createdAt + TTL`, usually for the same createdAt: reuse the last one.
  if (iso !== lastAfterIso || offsetMs !== lastAfterOffset) {
    lastAfterIso = iso;
    lastAfterOffset = offsetMs;
    lastAfterResult = isoFromEpochMs(Date.parse(iso) + offsetMs);
  }
  return lastAfterResult;
}

let lastAfterIso: string | undefined;
let lastAfterOffset: number | undefined;
let lastAfterResult: string | undefined;

let lastNowMs = -1;
let lastNowIso = '';
let secondStartMs = -1;
/** `YYYY-MM-DDTHH:MM:SS.` of the second `secondStartMs` starts. */
let secondPrefix = '';

/**
 * `new Date().toISOString()`, cheaper: the string up to the seconds is built once per second and
 * the milliseconds appended (on real calls the clock has moved on between the two or three stamps
 * of a call, so a same-millisecond cache alone nearly always missed), and the whole string is
 * reused while the clock stays on the same millisecond.
 */
export function nowIso(): string {
  const ms = Date.now();
  if (ms === lastNowMs) return lastNowIso;
  lastNowMs = ms;
  const millis = ms % 1000;
  // Outside [1970, 9999] (a clock set absurdly) the prefix trick does not hold: convert in full.
  if (millis < 0 || ms > MAX_ISO_MS) return (lastNowIso = new Date(ms).toISOString());
  if (ms - millis !== secondStartMs) {
    secondStartMs = ms - millis;
    secondPrefix = new Date(secondStartMs).toISOString().slice(0, 20);
  }
  lastNowIso = `${secondPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  return lastNowIso;
}
