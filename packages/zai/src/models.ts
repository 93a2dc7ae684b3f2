/**
 * Z.AI's image models as data. Sizes, qualities and modes come from the API
 * reference (../shared/seeds/zai-*.md); the price from the GLM-Image guide.
 */
import { COGVIEW_4_SIZES, GLM_IMAGE_SIZES, type ModelSpec } from '@pictor/core';

/** Image URLs from Z.AI are temporary: they expire 30 days after creation. */
export const ZAI_URL_TTL_MS = 30 * 24 * 3600_000;

export const ZAI_MODELS = {
  'glm-image': {
    id: 'glm-image',
    sizes: GLM_IMAGE_SIZES,
    qualities: ['hd'],
    defaultQuality: 'hd',
    modes: ['sync', 'async'],
    // Async by default: an hd image takes ~20 s. Async returns a task id within a second, so a
    // timeout, crash or deploy during the wait can resume it instead of paying again; a sync
    // call that times out leaves an unknown outcome. Pass mode: 'sync' for one round trip.
    defaultMode: 'async',
    maxImagesPerCall: 1,
    maxPromptLength: 8000,
    pricePerImageUsd: 0.015,
    typicalDurationMs: 20_000,
    urlTtlMs: ZAI_URL_TTL_MS,
    supports: { seed: false, watermark: true, userId: true },
  },
  'cogview-4-250304': {
    id: 'cogview-4-250304',
    sizes: COGVIEW_4_SIZES,
    qualities: ['hd', 'standard'],
    defaultQuality: 'standard',
    // Z.AI documents async for GLM-Image only; some third-party code sends cogview-4 there anyway.
    modes: ['sync'],
    defaultMode: 'sync',
    maxImagesPerCall: 1,
    maxPromptLength: 8000,
    pricePerImageUsd: undefined,
    typicalDurationMs: 8_000,
    urlTtlMs: ZAI_URL_TTL_MS,
    supports: { seed: false, watermark: true, userId: true },
  },
} as const satisfies Record<string, ModelSpec>;

export type ZaiModelId = keyof typeof ZAI_MODELS;
