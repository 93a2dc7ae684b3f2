/**
 * What an image's bytes are, from their first bytes (magic numbers), not from a
 * Content-Type header or a URL an untrusted host chose. A file saved as .png must
 * be a PNG; an SVG (which can carry script) is never mistaken for a raster image.
 */

/** Raster formats Pictor saves, by media type. */
export const RASTER_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export type RasterMediaType = (typeof RASTER_MEDIA_TYPES)[number];
export const SVG_MEDIA_TYPE = 'image/svg+xml';

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The raster type the bytes are, or undefined. */
export function sniffRasterType(bytes: Uint8Array): RasterMediaType | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  return undefined;
}

/** True when the bytes look like SVG/XML markup (checked in the first KiB, after a BOM or whitespace). */
export function looksLikeSvg(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 1024)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  return head.startsWith('<') && (head.includes('<svg') || head.startsWith('<?xml') || head.startsWith('<!doctype svg'));
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
    case SVG_MEDIA_TYPE:
      return 'svg';
    default:
      return 'png';
  }
}

/** The media type a file extension promises, when it is one Pictor knows. */
export function mediaTypeForExtension(extension: string): string | undefined {
  switch (extension.toLowerCase().replace(/^\./, '')) {
    case 'png':
      return 'image/png';
    case 'jpg':
    case 'jpeg':
      return 'image/jpeg';
    case 'webp':
      return 'image/webp';
    case 'gif':
      return 'image/gif';
    case 'svg':
      return SVG_MEDIA_TYPE;
    default:
      return undefined;
  }
}
