/** Model specs for core's tests, built from the GLM models' rules instead of written out again. */
import type { ModelSpec } from '../src/index.ts';
import { GLM_MODEL_RULES } from '../src/adapter-api.ts';

/** GLM-Image's rules with a 100-character prompt limit and a 1 s typical duration; `over` changes the rest. */
export const testSpec = (over: Partial<ModelSpec> = {}): ModelSpec => ({
  ...GLM_MODEL_RULES['glm-image'],
  maxPromptLength: 100,
  typicalDurationMs: 1000,
  ...over,
});

/** testSpec served async only, with no URL lifetime and no optional features: a bare polling model. */
export const asyncOnlySpec = (over: Partial<ModelSpec> = {}): ModelSpec =>
  testSpec({ modes: ['async'], urlTtlMs: undefined, supports: { seed: false, watermark: false, userId: false }, ...over });
