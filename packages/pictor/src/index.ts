/**
 * `pictor`: the package most users install. The public API of @pictor/core (its curated
 * index; the adapter-author API stays behind `@pictor/core/adapter`), the built-in
 * adapters, and createImageClient wired to them. test/public-surface.test.ts pins the list.
 */
import { createImageClient as createClient, type ClientConfig, type ImageClient, type ProviderRegistry } from '@pictor/core';
import { readEnv } from '@pictor/core/adapter';
import { builtInProviders } from './registry.ts';

// The curated public API of @pictor/core (its index lists every name).
export * from '@pictor/core';
export { createMock } from '@pictor/mock';
export type { MockFault, MockOptions, MockProvider } from '@pictor/mock';
export { createZai, ZAI_MODELS } from '@pictor/zai';
export type { ZaiOptions } from '@pictor/zai';
export { createNovita, NOVITA_MODELS, confirmNovitaWebhook, parseNovitaWebhook } from '@pictor/novita';
export type { NovitaOptions } from '@pictor/novita';
export { builtInProviders } from './registry.ts';
export { mockOptionsSchema } from '@pictor/mock';
export { novitaOptionsSchema } from '@pictor/novita';
export { zaiOptionsSchema } from '@pictor/zai';

/**
 * Creates a client from configuration, with the built-in providers (zai, novita,
 * mock) plus any `extra` registrations (a user's own adapters). Without a config,
 * see {@link defaultClientConfig}.
 */
export function createImageClient(config: ClientConfig = defaultClientConfig().config, extra: ProviderRegistry = {}): ImageClient {
  return createClient(config, { ...builtInProviders, ...extra });
}

/**
 * The configuration used when none is given: Z.AI's glm-image when ZAI_API_KEY is
 * set (Novita as a fallback when NOVITA_API_KEY is also set), Novita when only its
 * key is set, and the mock provider when no key is set — so everything runs keyless.
 */
export function defaultClientConfig(): { readonly config: ClientConfig; readonly usesMock: boolean } {
  const zai = readEnv('ZAI_API_KEY') !== undefined;
  const novita = readEnv('NOVITA_API_KEY') !== undefined;
  if (zai) return { config: { model: 'zai:glm-image', fallbacks: novita ? ['novita:glm-image'] : [] }, usesMock: false };
  if (novita) return { config: { model: 'novita:glm-image' }, usesMock: false };
  return { config: { model: 'mock:glm-image' }, usesMock: true };
}
