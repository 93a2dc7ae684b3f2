/**
 * Fetches an image's bytes on demand. Provider-returned URLs are untrusted: only
 * http(s) and data: URLs are fetched, the body is capped while streaming, the
 * content type must be an image, and there is a timeout. No credentials are ever
 * attached: the API key belongs to the API host, never to an image host or to
 * wherever a redirect leads.
 */
import { PictorError, abortedError } from './errors.ts';
import type { GeneratedImage } from './types.ts';

export interface DownloadOptions {
  readonly signal?: AbortSignal | undefined;
  /** Default 60 s for the whole download. */
  readonly timeoutMs?: number | undefined;
  /** Default 50 MiB. */
  readonly maxBytes?: number | undefined;
  readonly fetch?: typeof globalThis.fetch | undefined;
}

export interface DownloadedImage {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
}

export const DEFAULT_MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024;

export async function download(image: GeneratedImage | string, options: DownloadOptions = {}): Promise<DownloadedImage> {
  const href = typeof image === 'string' ? image : image.url;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  let url: URL;
  try {
    url = new URL(href);
  } catch (error) {
    throw refused(`not a valid URL: ${preview(href)}`, error);
  }
  if (url.protocol === 'data:') return decodeDataUrl(href, maxBytes);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw refused(`only http(s) and data: image URLs are downloaded, not ${url.protocol}`);
  }
  if (url.username || url.password) throw refused('image URLs with embedded credentials are refused');

  const timeoutMs = options.timeoutMs ?? 60_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  try {
    // credentials: 'omit' and no headers: nothing secret leaves, whichever host answers.
    const response = await fetchImpl(url, { signal, redirect: 'follow', credentials: 'omit' });
    if (!response.ok) {
      await response.body?.cancel();
      const expired = response.status === 403 || response.status === 404 || response.status === 410;
      throw new PictorError({
        kind: expired ? 'not_found' : response.status >= 500 ? 'provider_unavailable' : 'invalid_response',
        status: response.status,
        message: `Image download failed with HTTP ${response.status}${expired ? ' (the URL may have expired)' : ''}`,
      });
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!mediaType.startsWith('image/')) {
      await response.body?.cancel();
      throw new PictorError({
        kind: 'invalid_response',
        message: `Image download returned content type "${mediaType || '(none)'}", expected image/*`,
      });
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel();
      throw tooLarge(maxBytes, declared);
    }
    const bytes = await readCapped(response, maxBytes);
    return { bytes, mediaType };
  } catch (error) {
    if (options.signal?.aborted) throw abortedError(options.signal);
    if (timeout.aborted) {
      throw new PictorError({ kind: 'timeout', message: `Image download did not finish within ${timeoutMs} ms`, cause: error });
    }
    if (error instanceof PictorError) throw error;
    throw new PictorError({
      kind: 'network',
      message: `Image download failed: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function decodeDataUrl(href: string, maxBytes: number): DownloadedImage {
  const match = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(href);
  if (!match) throw refused('malformed data: URL');
  const mediaType = (match[1] || 'text/plain').toLowerCase();
  if (!mediaType.startsWith('image/')) {
    throw new PictorError({ kind: 'invalid_response', message: `data: URL holds "${mediaType}", expected image/*` });
  }
  const payload = match[3] ?? '';
  const bytes = match[2] ? Uint8Array.from(atob(payload), (c) => c.charCodeAt(0)) : new TextEncoder().encode(decodeURIComponent(payload));
  if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes, bytes.byteLength);
  return { bytes, mediaType };
}

function tooLarge(maxBytes: number, size?: number): PictorError {
  return new PictorError({
    kind: 'invalid_response',
    message: `Image is larger than the ${maxBytes}-byte limit${size ? ` (${size} bytes)` : ''}; raise maxBytes to accept it`,
  });
}

function refused(message: string, cause?: unknown): PictorError {
  return new PictorError({ kind: 'invalid_request', retryable: false, message: `Download refused: ${message}`, cause });
}

function preview(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** File extension for a media type (png for unknown images). */
export function extensionFor(mediaType: string | undefined): string {
  switch (mediaType) {
    case 'image/jpeg':
      return 'jpg';
    case 'image/webp':
      return 'webp';
    case 'image/gif':
      return 'gif';
    default:
      return 'png';
  }
}
