/**
 * Node's image download for the AI SDK model (picked by the `node` condition of the package's
 * `#image-download` import): every address the host name resolves to is checked, and the
 * connection goes only to those addresses (core's pinned resolver), so a DNS answer that changes
 * between the check and the connection (rebinding to 169.254.169.254 or 127.0.0.1) is never
 * dialled. Same rule as saveImage: a caller who brings their own `fetch` keeps it unpinned.
 */
import { download, type DownloadedImage, type DownloadOptions, type GeneratedImage } from '@pictor/core';
import { createPinnedResolver, nodeLookup } from '@pictor/core/node';

export function downloadImage(image: GeneratedImage | string, options: DownloadOptions): Promise<DownloadedImage> {
  if (options.fetch) return download(image, { ...options, lookup: options.lookup ?? nodeLookup });
  const pinned = createPinnedResolver(options.lookup ?? nodeLookup);
  return download(image, { ...options, lookup: pinned.lookup, fetch: pinned.fetch });
}
