/** Image bytes to base64 and media type, for results an AI SDK model returns as bytes or base64. */
import { toBase64 } from '@pictor/mock';

/** The media type from the file signature (PNG, JPEG, WebP, GIF); PNG when unknown. */
export function sniffImageType(bytes: Uint8Array): string {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
  return 'image/png';
}

/** The first 12 bytes of a base64 string (enough for sniffImageType); empty when it is not base64. */
export function headOfBase64(base64: string): Uint8Array {
  try {
    return Uint8Array.from(atob(base64.slice(0, 16)), (c) => c.charCodeAt(0));
  } catch {
    return new Uint8Array(0);
  }
}

/** A data: URL for one image as the AI SDK returned it. */
export function toDataUrl(image: string | Uint8Array): { url: string; mediaType: string } {
  if (typeof image === 'string') {
    const mediaType = sniffImageType(headOfBase64(image));
    return { url: `data:${mediaType};base64,${image}`, mediaType };
  }
  const mediaType = sniffImageType(image);
  return { url: `data:${mediaType};base64,${toBase64(image)}`, mediaType };
}
