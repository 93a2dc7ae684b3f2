/**
 * The built-in providers, registered for createImageClient with the same schemas
 * their factories validate with, so a typo in a config file is an error naming the field.
 */
import type { ProviderRegistry } from '@pictor/core';
import { createMock, mockOptionsSchema } from '@pictor/mock';
import { createNovita, novitaOptionsSchema } from '@pictor/novita';
import { createZai, zaiOptionsSchema } from '@pictor/zai';

export const builtInProviders: ProviderRegistry = {
  zai: { create: (config) => createZai(config), configSchema: zaiOptionsSchema },
  novita: { create: (config) => createNovita(config), configSchema: novitaOptionsSchema },
  mock: { create: (config) => createMock(config), configSchema: mockOptionsSchema },
};
