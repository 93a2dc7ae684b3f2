/** `pictor/node`: the Node-only helpers of `@pictor/core/node`, listed by name. */
export { createPinnedResolver, downloadPinned, loadClientConfig, nodeLookup, saveImage, saveResult } from '@pictor/core/node';
export type { PinnedResolver, SaveImageOptions, SavedImage } from '@pictor/core/node';
