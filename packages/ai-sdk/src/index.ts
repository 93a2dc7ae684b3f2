/**
 * `@pictor/ai-sdk`: Pictor inside the Vercel AI SDK, and AI SDK image models inside Pictor. Every
 * export is listed by name; the mapping helpers (warnings, errors, retry safety) stay internal.
 */

// Pictor as an AI SDK provider: generateImage({ model: createPictor().imageModel('zai:glm-image') }).
export { createPictor } from './create-pictor.ts';
export type { PictorProvider, PictorProviderSettings } from './create-pictor.ts';
export { PictorImageModel } from './image-model.ts';
export type { PictorImageModelSettings } from './image-model.ts';
export { pictorCallOptionsSchema } from './options.ts';
export type { PictorCallOptions } from './options.ts';
export { pictorMetadata } from './metadata.ts';
export { asImageModelV3 } from './v3.ts';
// The PictorError behind anything generateImage throws (task handle, kind, submit outcome).
export { pictorErrorOf } from './to-sdk-error.ts';

// AI SDK image models as Pictor providers.
export { fromAiSdk, uncheckedSizes } from './from-ai-sdk.ts';
export type { FromAiSdkSpec } from './from-ai-sdk.ts';
