/**
 * The mock must behave like the real models by default (issue 13): code tested on `mock:glm-image`
 * must not be refused by `zai:glm-image`. The mock cannot import the adapter (layering), so this
 * package, which sees both, pins the two specs together.
 */
import { describe, expect, it } from 'vitest';
import { PictorError, ZAI_MODELS, createMock, createZai, type ImageRequest, type ModelSpec } from '../src/index.ts';

/** Everything but the typical duration (the mock's scripted `durationMs`) and the price (the mock bills nothing). */
const comparable = (spec: ModelSpec | undefined) => ({ ...spec, typicalDurationMs: 0, pricePerImageUsd: 0 });

async function outcome(promise: Promise<unknown>) {
  return promise.then(
    (value) => ({ ok: true as const, warnings: (value as { warnings: { feature?: string }[] }).warnings.map((w) => w.feature) }),
    (error: unknown) => ({ ok: false as const, kind: (error as PictorError).kind, message: (error as PictorError).message }),
  );
}

describe('mock models equal the real ones', () => {
  it.each(Object.keys(ZAI_MODELS))('mock:%s has zai\'s spec', (model) => {
    const mock = createMock({ durationMs: 7 });
    expect(comparable(mock.models[model])).toEqual(comparable(ZAI_MODELS[model as keyof typeof ZAI_MODELS]));
    expect(Object.keys(mock.models).sort()).toEqual(Object.keys(ZAI_MODELS).sort());
    expect(mock.models[model]!.typicalDurationMs).toBe(7);
    expect(mock.models[model]!.pricePerImageUsd).toBe(0);
  });

  it('refuses n=2 and warns on seed exactly like zai:glm-image', async () => {
    // submit() on zai with no key fails at the HTTP layer, after validation: a refusal before that is
    // validation, the same code path the mock takes.
    const zai = createZai({ apiKey: 'mock-spec-test-key-000000', fetch: async () => new Response('{"id":"1","task_status":"PROCESSING"}') });
    const mock = createMock({ durationMs: 1 });
    const twoImages: ImageRequest = { model: 'glm-image', prompt: 'x', n: 2 };
    const [zaiN, mockN] = [await outcome(zai.submit(twoImages)), await outcome(mock.submit(twoImages))];
    expect(zaiN).toMatchObject({ ok: false, kind: 'invalid_request' });
    expect(mockN).toEqual(zaiN);

    const seeded: ImageRequest = { model: 'glm-image', prompt: 'x', seed: 42 };
    const [zaiSeed, mockSeed] = [await outcome(zai.submit(seeded)), await outcome(mock.submit(seeded))];
    expect(zaiSeed).toEqual({ ok: true, warnings: ['seed'] });
    expect(mockSeed).toEqual(zaiSeed);
  });

  it('accepts deliberate differences only when asked', async () => {
    const permissive = createMock({ durationMs: 1, models: { 'glm-image': { maxImagesPerCall: 4, supports: { seed: true } } } });
    expect(permissive.models['glm-image']).toMatchObject({ maxImagesPerCall: 4, supports: { seed: true, watermark: true, userId: true } });
    const result = await permissive.generate({ model: 'glm-image', prompt: 'x', n: 2, seed: 3, mode: 'sync' });
    expect(result.images).toHaveLength(2);
    expect(result.warnings).toEqual([]);
    expect(createMock().models['cogview-4-250304']).toEqual(createMock({ models: { 'glm-image': { maxImagesPerCall: 4 } } }).models['cogview-4-250304']);
    expect(() => createMock({ models: { 'glm-image': { maxImagesPerCall: 0 } } })).toThrow(/models/);
    expect(() => createMock({ models: { dalle: {} } as never })).toThrow(/models/);
  });
});
