/** The errors a download ends in, shared by http(s) and data: URLs. */
import { PictorError } from './errors.ts';

export function unexpectedType(what: string): PictorError {
  return new PictorError({
    kind: 'invalid_response',
    retryable: false,
    message: `Image download returned ${what}; expected a PNG, JPEG, WebP or GIF image (SVG only with allowSvg: true)`,
  });
}

export function tooLarge(maxBytes: number, size?: number): PictorError {
  return new PictorError({
    kind: 'invalid_response',
    retryable: false,
    message: `Image is larger than the ${maxBytes}-byte limit${size ? ` (${size} bytes)` : ''}; raise maxBytes to accept it`,
  });
}

export function refused(message: string, cause?: unknown): PictorError {
  return new PictorError({ kind: 'invalid_request', retryable: false, message: `Download refused: ${message}`, cause });
}
