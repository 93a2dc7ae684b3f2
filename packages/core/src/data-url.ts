/**
 * data: URLs (the mock's images, Z.AI's b64_json) decoded without trusting them: the
 * encoded length is capped before any decoding (a 200 MiB base64 string must cost
 * nothing), and bad base64 or bad percent-encoding is a PictorError, never a raw
 * URIError or InvalidCharacterError.
 */
import { refused, tooLarge, unexpectedType } from './download-errors.ts';

export interface DecodedDataUrl {
  readonly bytes: Uint8Array;
  /** The media type the URL declares (lower case); the bytes are checked separately. */
  readonly declared: string;
}

const MAX_HEADER_LENGTH = 256;

export function decodeDataUrl(href: string, maxBytes: number): DecodedDataUrl {
  const comma = href.indexOf(',', 5);
  if (comma < 0 || comma > 5 + MAX_HEADER_LENGTH) throw refused('malformed data: URL (no "," after a short media type)');
  const params = href.slice(5, comma).split(';').map((p) => p.trim().toLowerCase());
  const declared = params[0] || 'text/plain';
  if (!declared.startsWith('image/')) throw unexpectedType(`a data: URL holding "${declared}"`);
  const base64 = params.slice(1).includes('base64');
  const encodedLength = href.length - comma - 1;
  // Upper bounds of the encoded size of maxBytes (base64 with line breaks; every byte as %XX).
  const limit = base64 ? Math.ceil(maxBytes / 3) * 4 * 1.1 + 64 : maxBytes * 3;
  if (encodedLength > limit) throw tooLarge(maxBytes, base64 ? Math.floor((encodedLength * 3) / 4) : undefined);
  const payload = href.slice(comma + 1);
  const bytes = base64 ? decodeBase64(payload) : decodePercent(payload, maxBytes);
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes, bytes.byteLength);
  return { bytes, declared };
}

function decodeBase64(payload: string): Uint8Array {
  const compact = /\s/.test(payload) ? payload.replace(/\s+/g, '') : payload;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw refused('malformed data: URL (the base64 payload has characters outside A-Z a-z 0-9 + / =)');
  }
  const fromBase64 = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  try {
    if (fromBase64) return fromBase64(compact.padEnd(Math.ceil(compact.length / 4) * 4, '='));
    const binary = atob(compact);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch (error) {
    throw refused(`malformed data: URL (${(error as Error).message})`);
  }
}

/** RFC 3986 percent-decoding to bytes; other characters are taken as UTF-8. */
function decodePercent(payload: string, maxBytes: number): Uint8Array {
  const out = new Uint8Array(Math.min(payload.length * 3, maxBytes + 4));
  const encoder = new TextEncoder();
  let length = 0;
  for (let i = 0; i < payload.length; i++) {
    if (length > maxBytes) throw tooLarge(maxBytes);
    const code = payload.charCodeAt(i);
    if (code === 0x25 /* % */) {
      const hex = payload.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/i.test(hex)) throw refused(`malformed data: URL (bad percent-encoding "%${hex}" at ${i})`);
      out[length++] = Number.parseInt(hex, 16);
      i += 2;
    } else if (code < 0x80) {
      out[length++] = code;
    } else {
      const pair = code >= 0xd800 && code <= 0xdbff ? payload.slice(i, i + 2) : payload[i]!;
      const encoded = encoder.encode(pair);
      if (length + encoded.length > out.length) throw tooLarge(maxBytes);
      out.set(encoded, length);
      length += encoded.length;
      i += pair.length - 1;
    }
  }
  return out.subarray(0, length);
}
