/**
 * GLM-Image and CogView-4 as Z.AI's API serves them: what a request may ask of each model (sizes,
 * qualities, modes, n, prompt length), how long its image URLs live and which options it honours.
 * Data, not an adapter: the zai adapter adds its price and typical duration, and the mock serves
 * the same rules so that code tested on `mock:glm-image` is not refused by `zai:glm-image` (core
 * owns them because the mock must not import an adapter). Sizes and qualities come from the API
 * reference (../shared/seeds/zai-*.md).
 */
import { COGVIEW_4_SIZES, GLM_IMAGE_SIZES } from './sizes.ts';
import type { ModelSpec } from './types.ts';

/** A model's rules: its spec but for what a deployment prices and times (price, typical duration). */
export type ModelRules = Omit<ModelSpec, 'pricePerImageUsd' | 'typicalDurationMs'>;

const common = {
  maxImagesPerCall: 1,
  maxPromptLength: 8000,
  // Image URLs from Z.AI are temporary: they expire 30 days after creation.
  urlTtlMs: 30 * 24 * 3600_000,
  supports: { seed: false, watermark: true, userId: true },
} as const;

export const GLM_MODEL_RULES = {
  'glm-image': {
    ...common,
    id: 'glm-image',
    sizes: GLM_IMAGE_SIZES,
    qualities: ['hd'],
    defaultQuality: 'hd',
    modes: ['sync', 'async'],
    // Async by default: an hd image takes ~20 s. Async returns a task id within a second, so a
    // timeout, crash or deploy during the wait can resume it instead of paying again; a sync
    // call that times out leaves an unknown outcome. Pass mode: 'sync' for one round trip.
    defaultMode: 'async',
  },
  'cogview-4-250304': {
    ...common,
    id: 'cogview-4-250304',
    sizes: COGVIEW_4_SIZES,
    qualities: ['hd', 'standard'],
    defaultQuality: 'standard',
    // Z.AI documents async for GLM-Image only; some third-party code sends cogview-4 there anyway.
    modes: ['sync'],
    defaultMode: 'sync',
  },
} as const satisfies Record<string, ModelRules>;

/** The models whose rules are above. */
export type GlmModelId = keyof typeof GLM_MODEL_RULES;
