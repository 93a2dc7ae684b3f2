/**
 * AI SDK 6 (ImageModelV3): its generateImage refuses a v4 model, and runs
 * `pictor.imageModelV3(...)` on the emulator with the same mapping and the same
 * no-double-billing rule (AI SDK 6 recognises APICallError across versions).
 */
import { APICallError } from '@ai-sdk/provider';
import { startEmulator, type Emulator } from '@pictor/testing';
import { generateImage } from 'ai6';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asImageModelV3, createPictor } from '../src/index.ts';

const KEY = 'test-key-not-real-0000';
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ durations: 20, imageSize: { width: 8, height: 8 } });
});
afterAll(() => emulator.close());

/**
 * @ai-sdk/provider 3 (AI SDK 6) and 4 differ in a readonly detail of JSONValue, so the v3 type from
 * provider 4 needs a cast at compile time; at run time the object is exactly what AI SDK 6 calls.
 */
type V6Model = Parameters<typeof generateImage>[0]['model'];

const pictorFor = () =>
  createPictor({
    model: 'zai:glm-image',
    providers: { zai: { apiKey: KEY, baseURL: emulator.zaiBaseURL, poll: { firstDelayMs: 0, intervalMs: 5, minIntervalMs: 5, maxIntervalMs: 20 } } },
  });

describe('AI SDK 6 generateImage', () => {
  it('refuses the v4 model and runs the v3 view: bytes, warnings, metadata, n split', async () => {
    const pictor = pictorFor();
    await expect(generateImage({ model: pictor.imageModel('zai:glm-image') as never, prompt: 'x' })).rejects.toThrow(/v4/);
    emulator.reset();
    const model = pictor.imageModelV3('zai:glm-image');
    const v6Model = model as unknown as V6Model;
    expect(model.specificationVersion).toBe('v3');
    const result = await generateImage({ model: v6Model, prompt: 'a heron', n: 2, seed: 1 });
    expect(result.images).toHaveLength(2);
    expect(emulator.counters['zai.submit']).toBe(2);
    expect([...result.images[0]!.uint8Array.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(result.warnings).toContainEqual({ type: 'unsupported', feature: 'seed', details: expect.any(String) });
    expect(result.providerMetadata.pictor?.images).toHaveLength(2);
    expect(result.responses[0]?.modelId).toBe('zai:glm-image');
  });

  it('does not resubmit an unknown outcome', async () => {
    emulator.reset();
    emulator.setFaults([{ provider: 'zai', endpoint: 'submit', type: 'http', status: 500 }]);
    const error = await generateImage({ model: pictorFor().imageModelV3('zai:glm-image') as unknown as V6Model, prompt: 'once in v6', maxRetries: 2 }).catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(emulator.submitsByPrompt.get('once in v6')).toBe(1);
    emulator.setFaults([]);
  });

  it('turns a deprecated warning into other', async () => {
    const v3 = asImageModelV3({
      specificationVersion: 'v4',
      provider: 'p',
      modelId: 'm',
      maxImagesPerCall: 1,
      doGenerate: async () => ({ images: [], isRetryable: false, warnings: [{ type: 'deprecated', setting: 's', message: 'use t' }], response: { timestamp: new Date(), modelId: 'm', headers: undefined } }),
    });
    const result = await v3.doGenerate({ prompt: 'x', n: 1, size: undefined, aspectRatio: undefined, seed: undefined, files: undefined, mask: undefined, providerOptions: {} });
    expect(result.warnings).toEqual([{ type: 'other', message: 's: use t' }]);
    expect('isRetryable' in result).toBe(false);
  });
});
