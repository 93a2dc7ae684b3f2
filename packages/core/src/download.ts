/**
 * Fetches an image's bytes on demand. Provider-returned URLs are untrusted: only
 * http(s) and data: URLs are fetched; each host (redirect hops included, at most
 * `maxRedirects`) must pass the network policy of download-policy.ts; the body is
 * capped while streaming (a data: URL on its encoded length, before decoding); the
 * bytes must be the image they claim (magic bytes; SVG only when asked for); and
 * there is a timeout. No credentials are ever attached: the API key belongs to the
 * API host, never to an image host or to wherever a redirect leads.
 */
import { PictorError, abortedError, invalidResponse } from './errors.ts';
import { checkDownloadHost, isLoopbackProviderImage, parseDownloadOptions, type DownloadOptions, type DownloadPolicy, type ResolvedDownloadOptions } from './download-policy.ts';
import { decodeDataUrl } from './data-url.ts';
import { refused, tooLarge, unexpectedType } from './download-errors.ts';
import { TOO_LARGE, readAtMost } from './response-body.ts';
import { SVG_MEDIA_TYPE, looksLikeSvg, sniffRasterType } from './image-type.ts';
import type { GeneratedImage } from './types.ts';

export interface DownloadedImage {
  readonly bytes: Uint8Array;
  /** What the bytes are (from their magic bytes), whatever the server's Content-Type said. */
  readonly mediaType: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export async function download(image: GeneratedImage | string, input: DownloadOptions = {}): Promise<DownloadedImage> {
  const options = parseDownloadOptions(input);
  const href = typeof image === 'string' ? image : image?.url;
  if (typeof href !== 'string') throw refused('the image has no URL');
  // Checked before `new URL`: a 100 MiB data: URL must not be copied by the URL parser first.
  if (/^data:/i.test(href)) {
    const { bytes, declared } = decodeDataUrl(href, options.maxBytes);
    return checkedImage(bytes, declared, options.allowSvg);
  }
  const url = parseHttpUrl(href);
  const policy: DownloadPolicy = {
    allowHosts: options.allowHosts,
    allowLoopback: options.allowLoopback ?? isLoopbackProviderImage(image),
    lookup: options.lookup,
  };

  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const response = await fetchFollowingRedirects(url, policy, options, signal);
    const declared = await checkResponse(response, options);
    const bytes = await readCapped(response, options.maxBytes);
    return checkedImage(bytes, declared, options.allowSvg);
  } catch (error) {
    if (options.signal?.aborted) throw abortedError(options.signal);
    if (timeout.aborted) {
      throw new PictorError({ kind: 'timeout', message: `Image download did not finish within ${options.timeoutMs} ms`, cause: error });
    }
    if (error instanceof PictorError) throw error;
    throw new PictorError({
      kind: 'network',
      message: `Image download failed: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
}

function parseHttpUrl(href: string, from?: URL): URL {
  let url: URL;
  try {
    url = new URL(href, from);
  } catch (error) {
    throw refused(`not a valid URL: ${preview(href)}`, error);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw refused(`only http(s) and data: image URLs are downloaded, not ${url.protocol}${from ? ' (in a redirect)' : ''}`);
  }
  if (url.username || url.password) throw refused('image URLs with embedded credentials are refused');
  return url;
}

/** Redirects are followed by hand so that every hop is checked against the policy. */
async function fetchFollowingRedirects(start: URL, policy: DownloadPolicy, options: ResolvedDownloadOptions, signal: AbortSignal): Promise<Response> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let url = start;
  for (let hop = 0; ; hop++) {
    await checkDownloadHost(url, policy);
    // credentials: 'omit' and no headers: nothing secret leaves, whichever host answers.
    const response = await fetchImpl(url, { signal, redirect: 'manual', credentials: 'omit' });
    if (response.type === 'opaqueredirect') {
      // Browsers hide where a manual redirect leads, so it cannot be checked: refused, not followed blindly.
      throw invalidResponse(`Image download refused: ${url.host} redirects, and this runtime hides the target so it cannot be checked`);
    }
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return response;
    await response.body?.cancel();
    if (hop >= options.maxRedirects) {
      throw invalidResponse(`Image download refused after ${options.maxRedirects} redirects (raise maxRedirects to follow more)`);
    }
    url = parseHttpUrl(location, url);
  }
}

/** Status and headers; returns the declared media type. */
async function checkResponse(response: Response, options: ResolvedDownloadOptions): Promise<string> {
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
  if (!mediaType.startsWith('image/') || (mediaType === SVG_MEDIA_TYPE && !options.allowSvg)) {
    await response.body?.cancel();
    throw unexpectedType(`content type "${mediaType || '(none)'}"`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    await response.body?.cancel();
    throw tooLarge(options.maxBytes, declared);
  }
  return mediaType;
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const bytes = await readAtMost(reader, maxBytes);
  if (bytes === TOO_LARGE) throw tooLarge(maxBytes);
  return bytes;
}

/**
 * The bytes decide what the image is: a PNG, JPEG, WebP or GIF by its magic bytes, or SVG when
 * allowed. Anything else (HTML, a script labelled image/png, truncated garbage) is refused.
 */
function checkedImage(bytes: Uint8Array, declared: string | undefined, allowSvg: boolean): DownloadedImage {
  const raster = sniffRasterType(bytes);
  if (raster) return { bytes, mediaType: raster };
  if (looksLikeSvg(bytes) || declared === SVG_MEDIA_TYPE) {
    if (allowSvg) return { bytes, mediaType: SVG_MEDIA_TYPE };
    throw unexpectedType('SVG markup');
  }
  throw unexpectedType(`bytes that are not a PNG, JPEG, WebP or GIF image${declared ? ` although labelled ${declared}` : ''}`);
}

function preview(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
