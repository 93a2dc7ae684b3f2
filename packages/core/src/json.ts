/**
 * JSON parsing that keeps large integers exact. Z.AI task ids are 19-digit
 * numbers beyond 2^53; documented as strings, but a body that sends one bare
 * would be silently corrupted by JSON.parse. Unsafe integers become strings.
 *
 * Linear in time and memory on any input (bench/json.ts measures it against
 * JSON.parse): strings are skipped with indexOf, the output is built from
 * slices of the input joined once, and JSON.parse does the actual parsing.
 */

/**
 * JSON.parse first: a value can only have been rounded if it came out as a number beyond
 * Number.MAX_SAFE_INTEGER, and a walk of the parsed value finds that without scanning the text
 * (a b64 image body is megabytes of string and a handful of values). Only then is the text
 * parsed again with those integers quoted, which gives exactly what quoting first would have.
 */
export function parseJsonLossless(text: string): unknown {
  const value: unknown = JSON.parse(text);
  return holdsUnsafeNumber(value) ? JSON.parse(quoteUnsafeIntegers(text)) : value;
}

/** True when a parsed JSON value holds a number beyond the safe integers, at any depth (no recursion: the input may nest deeply). */
function holdsUnsafeNumber(root: unknown): boolean {
  if (typeof root === 'number') return unsafe(root);
  if (typeof root !== 'object' || root === null) return false;
  const pending: object[] = [root];
  while (pending.length > 0) {
    const node = pending.pop() as Record<string, unknown>;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) if (unsafeOrQueued(node[i], pending)) return true;
    } else {
      // for...in, not Object.values: no array per object. Own keys only: a key someone added to
      // Object.prototype would otherwise be walked on every object, forever if it holds an object.
      for (const key in node) if (Object.hasOwn(node, key) && unsafeOrQueued(node[key], pending)) return true;
    }
  }
  return false;
}

/** A number is checked, an object or array queued for the walk. */
function unsafeOrQueued(child: unknown, pending: object[]): boolean {
  if (typeof child === 'number') return unsafe(child);
  if (typeof child === 'object' && child !== null) pending.push(child);
  return false;
}

const unsafe = (n: number) => n > Number.MAX_SAFE_INTEGER || n < -Number.MAX_SAFE_INTEGER;

const QUOTE = 34;
const BACKSLASH = 92;
const MINUS = 45;
const DOT = 46;

const isDigit = (code: number) => code >= 48 && code <= 57;

/** Wraps every plain integer token outside strings that is not a safe integer in quotes. */
function quoteUnsafeIntegers(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = afterString(text, i + 1);
    } else if (code === MINUS || isDigit(code)) {
      let integerEnd = code === MINUS ? i + 1 : i;
      while (isDigit(text.charCodeAt(integerEnd))) integerEnd++;
      const end = afterFractionAndExponent(text, integerEnd);
      if (end === integerEnd && end - i >= 16 && !Number.isSafeInteger(Number(text.slice(i, end)))) {
        parts.push(text.slice(copied, i), '"', text.slice(i, end), '"');
        copied = end;
      }
      i = Math.max(end, i + 1);
    } else {
      i++;
    }
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/** The index after the closing quote of a string whose content starts at `from` (or the end). */
function afterString(text: string, from: number): number {
  let search = from;
  for (;;) {
    const quote = text.indexOf('"', search);
    if (quote === -1) return text.length;
    // Escaped when preceded by an odd run of backslashes; each run is counted once.
    let backslash = quote - 1;
    while (backslash >= from && text.charCodeAt(backslash) === BACKSLASH) backslash--;
    if ((quote - 1 - backslash) % 2 === 0) return quote + 1;
    search = quote + 1;
  }
}

/** Where a number token ends, given where its integer part ends (after any fraction and exponent). */
function afterFractionAndExponent(text: string, integerEnd: number): number {
  let i = integerEnd;
  if (text.charCodeAt(i) === DOT) {
    i++;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  const exponent = text.charCodeAt(i);
  if (exponent === 101 || exponent === 69) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 43 || sign === MINUS) i++;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  return i;
}
