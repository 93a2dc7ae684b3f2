/** Novita's GLM-Image as data, from Novita's published API reference and pricing page. */
import { GLM_IMAGE_SIZES, type ModelSpec } from '@pictor/core';

export const NOVITA_MODELS = {
  'glm-image': {
    id: 'glm-image',
    // 1024-2048 per side, multiples of 32, at most 4,194,304 px, presets as Z.AI's glm-image.
    sizes: GLM_IMAGE_SIZES,
    qualities: ['hd'],
    defaultQuality: 'hd',
    modes: ['async'],
    defaultMode: 'async',
    maxImagesPerCall: 1,
    maxPromptLength: 8000,
    // Novita publishes no glm-image price on the API page: cost.usd stays undefined rather than guessed.
    pricePerImageUsd: undefined,
    typicalDurationMs: 20_000,
    supports: { seed: false, watermark: true, userId: false },
  },
} as const satisfies Record<string, ModelSpec>;

export type NovitaModelId = keyof typeof NOVITA_MODELS;
