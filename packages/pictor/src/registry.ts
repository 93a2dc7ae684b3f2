/**
 * The built-in providers, registered for createImageClient. Each config section
 * is validated here so a typo in a config file is an error naming the field.
 */
import type { ProviderRegistry } from '@pictor/core';
import { createMock } from '@pictor/mock';
import { createNovita } from '@pictor/novita';
import { createZai } from '@pictor/zai';
import { z } from 'zod';

const common = {
  apiKey: z.string().min(1).optional(),
  baseURL: z.url({ protocol: /^https?$/ }).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  timeoutMs: z.number().int().positive().optional(),
};

export const zaiConfigSchema = z.object({ ...common, region: z.enum(['international', 'mainland']).optional() }).strict();
export const novitaConfigSchema = z.object({ ...common, webhookUrl: z.url({ protocol: /^https?$/ }).optional() }).strict();
export const mockConfigSchema = z
  .object({
    latencyMs: z.number().min(0).optional(),
    queueMs: z.number().min(0).optional(),
    durationMs: z.number().min(0).optional(),
    reportEta: z.boolean().optional(),
    faults: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .strict();

export const builtInProviders: ProviderRegistry = {
  zai: { create: (config) => createZai(config as z.infer<typeof zaiConfigSchema>), configSchema: zaiConfigSchema },
  novita: { create: (config) => createNovita(config as z.infer<typeof novitaConfigSchema>), configSchema: novitaConfigSchema },
  mock: { create: (config) => createMock(config as Parameters<typeof createMock>[0]), configSchema: mockConfigSchema },
};
