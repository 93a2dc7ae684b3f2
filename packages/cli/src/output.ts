/**
 * What the CLI prints as data. A mock image's data: URL is ~20 KB of base64, so data:
 * URLs are shortened unless --full asks for them whole (a saved file has the bytes anyway).
 */
const SHOWN_CHARS = 48;

/** A data: URL cut to its start and its length; anything else unchanged. */
export function shortenDataUrl(text: string): string {
  if (!text.startsWith('data:') || text.length <= SHOWN_CHARS * 2) return text;
  return `${text.slice(0, SHOWN_CHARS)}…(${text.length} chars; --full prints it whole)`;
}

/** JSON for stdout, with every data: URL shortened unless `full`. */
export function toJsonOutput(value: unknown, full: boolean): string {
  return JSON.stringify(value, full ? undefined : (_key, v: unknown) => (typeof v === 'string' ? shortenDataUrl(v) : v), 2);
}
