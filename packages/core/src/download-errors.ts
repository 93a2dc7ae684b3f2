/** The errors a download ends in, shared by http(s) and data: URLs. */
import { PictorError, invalidRequest, invalidResponse } from './errors.ts';

export function unexpectedType(what: string): PictorError {
  return invalidResponse(`Image download returned ${what}; expected a PNG, JPEG, WebP or GIF image (SVG only with allowSvg: true)`);
}

export function tooLarge(maxBytes: number, size?: number): PictorError {
  return invalidResponse(`Image is larger than the ${maxBytes}-byte limit${size ? ` (${size} bytes)` : ''}; raise maxBytes to accept it`);
}

export function refused(message: string, cause?: unknown): PictorError {
  return invalidRequest(`Download refused: ${message}`, { cause });
}
