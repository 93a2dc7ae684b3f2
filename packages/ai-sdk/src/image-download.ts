/**
 * How the AI SDK model fetches an image's bytes outside Node (browsers, edge runtimes): core's
 * guarded download, which checks the literal host (no DNS there). In Node the package's
 * `#image-download` import resolves to image-download.node.ts instead, which checks every
 * address the name resolves to and connects only to those.
 */
import { download, type DownloadedImage, type DownloadOptions, type GeneratedImage } from '@pictor/core';

export function downloadImage(image: GeneratedImage | string, options: DownloadOptions): Promise<DownloadedImage> {
  return download(image, options);
}
