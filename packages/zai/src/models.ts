/**
 * Z.AI's image models as data: the models' rules (core's glm-models.ts, which the mock serves too)
 * plus what Z.AI charges and how long a call usually takes. The price from the GLM-Image guide.
 */
import type { ModelSpec } from '@pictor/core';
import { GLM_MODEL_RULES } from '@pictor/core/adapter';

/** Image URLs from Z.AI are temporary: they expire 30 days after creation. */
export const ZAI_URL_TTL_MS = GLM_MODEL_RULES['glm-image'].urlTtlMs;

export const ZAI_MODELS = {
  'glm-image': { ...GLM_MODEL_RULES['glm-image'], pricePerImageUsd: 0.015, typicalDurationMs: 20_000 },
  'cogview-4-250304': { ...GLM_MODEL_RULES['cogview-4-250304'], pricePerImageUsd: undefined, typicalDurationMs: 8_000 },
} as const satisfies Record<string, ModelSpec>;

export type ZaiModelId = keyof typeof ZAI_MODELS;
