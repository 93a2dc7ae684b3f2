/**
 * `@pictor/core/node`: Node-only helpers (save.ts: writing images to disk, and DNS-checked
 * downloads), kept out of the main entry so core runs on any runtime with fetch. Listed by
 * name: the file-name and error helpers save.ts uses are internal.
 */
export { loadClientConfig, nodeLookup, saveImage, saveResult } from './save.ts';
export type { SaveImageOptions, SavedImage } from './save.ts';
export { createPinnedResolver } from './pinned-fetch.ts';
export type { PinnedResolver } from './pinned-fetch.ts';
