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
 * A bare run of 16+ digits after a structural character: the only way a JSON text can hold an
 * integer JSON.parse might round. Digits inside strings may match too (the scan then runs and
 * changes nothing); a miss is impossible, since a bare number always follows `[`, `:`, `,` or
 * the start. Every real Z.AI body carries 19-digit ids as *strings*, which this skips.
 */
const BARE_LONG_DIGITS = /(?:^|[[:,])\s*-?\d{16}/;

export function parseJsonLossless(text: string): unknown {
  return JSON.parse(BARE_LONG_DIGITS.test(text) ? quoteUnsafeIntegers(text) : text);
}

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
