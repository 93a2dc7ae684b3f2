/**
 * nock's recorder keeps a compressed response as an array of hex chunks (and a non-UTF-8 one as
 * one hex string): a key inside is invisible to any text scan. Before scrubbing, such bodies are
 * decoded to what the client saw (JSON or text) and the content-encoding header is dropped, so the
 * scrubber sees every byte and the fixture replays as plain JSON. Inflation is capped: a recorded
 * gzip bomb fails instead of filling memory.
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Interaction } from './fixtures.ts';

/** Largest decoded body accepted from a recording. */
export const MAX_DECODED_BODY_BYTES = 50 * 1024 * 1024;

type Headers = Record<string, string>;

function inflate(bytes: Buffer, encoding: string): Buffer {
  const options = { maxOutputLength: MAX_DECODED_BODY_BYTES };
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(bytes, options);
    case 'deflate':
      return inflateSync(bytes, options);
    case 'br':
      return brotliDecompressSync(bytes, options);
    case 'identity':
    case '':
      return bytes;
    default:
      throw new Error(`cannot decode a recorded body with content-encoding "${encoding}"`);
  }
}

const isHex = (value: unknown): value is string => typeof value === 'string' && value.length % 2 === 0 && /^[0-9a-f]*$/i.test(value);

/**
 * The interaction with its response decoded when it was recorded compressed or as binary hex.
 * `headers` is the interaction's header object (lower-case names); it is updated in place.
 */
export function decodeRecordedBody(interaction: Interaction, headers: Headers): Interaction {
  const encodingHeader = Object.keys(headers).find((name) => name.toLowerCase() === 'content-encoding');
  const encoding = encodingHeader ? (headers[encodingHeader] ?? '').trim().toLowerCase() : '';
  const { response } = interaction;
  const chunks = Array.isArray(response) && response.every(isHex) ? (response as string[]) : interaction.responseIsBinary === true && isHex(response) ? [response] : undefined;
  if (!chunks || (encoding === '' && interaction.responseIsBinary !== true && !Array.isArray(response))) return interaction;
  const bytes = inflate(Buffer.from(chunks.join(''), 'hex'), encoding);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return interaction; // real binary (an image): no text for a key to hide in
  }
  if (encodingHeader) delete headers[encodingHeader];
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-length') delete headers[name];
  const { responseIsBinary: _binary, ...rest } = interaction;
  return { ...rest, response: parseOrText(text) };
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
