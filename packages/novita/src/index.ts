export { createNovita, NOVITA_BASE_URL, novitaOptionsSchema, novitaProviderOptionsSchema } from './novita.ts';
export type { NovitaOptions, NovitaProviderOptions } from './novita.ts';
export { NOVITA_MODELS } from './models.ts';
export type { NovitaModelId } from './models.ts';
export { mapNovitaError, mapNovitaReason, readNovitaError } from './errors.ts';
export { confirmNovitaWebhook, parseNovitaWebhook } from './webhook.ts';
export type { NovitaWebhookEvent } from './webhook.ts';
