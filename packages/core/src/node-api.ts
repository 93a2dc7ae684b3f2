/**
 * `@pictor/core/node`: Node-only helpers (node.ts: writing images to disk, DNS-checked
 * downloads), kept out of the main entry so core runs on any runtime with fetch. Listed by
 * name: the file-name and error helpers node.ts uses inside are not part of the API.
 */
export { downloadPinned, loadClientConfig, nodeLookup, saveImage, saveResult } from './node.ts';
export type { SaveImageOptions, SavedImage } from './node.ts';
export { createPinnedResolver } from './pinned-fetch.ts';
export type { PinnedResolver } from './pinned-fetch.ts';
