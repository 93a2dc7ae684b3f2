export { createZai, ZAI_BASE_URLS, zaiOptionsSchema, zaiProviderOptionsSchema } from './zai.ts';
export type { ZaiOptions, ZaiProviderOptions, ZaiRegion } from './zai.ts';
export { ZAI_MODELS, ZAI_URL_TTL_MS } from './models.ts';
export type { ZaiModelId } from './models.ts';
export { mapZaiCode, mapZaiError, readZaiError } from './errors.ts';
export type { ZaiErrorInfo } from './errors.ts';
