/**
 * JSON parsing that keeps large integers exact. Z.AI task ids are 19-digit
 * numbers beyond 2^53; documented as strings, but a body that sends one bare
 * would be silently corrupted by JSON.parse. Unsafe integers become strings.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}

function quoteUnsafeIntegers(text: string): string {
  // Fast path: no run of 16+ digits, nothing can lose precision.
  if (!/\d{16}/.test(text)) return text;
  let out = '';
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const ch = text[i] as string;
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (ch === '"') inString = false;
      i++;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      i++;
      continue;
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      const token = match?.[0] ?? ch;
      const isPlainInteger = match !== null && match[1] === undefined && match[2] === undefined;
      out += isPlainInteger && !Number.isSafeInteger(Number(token)) ? `"${token}"` : token;
      i += token.length;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}
