/** Task handles read from disk are untrusted: strict schema, result only on sync handles. */
import { describe, expect, it } from 'vitest';
import { GLM_IMAGE_SIZES, PictorError, parseTaskHandle, type ImageResult, type ModelSpec, type TaskHandle } from '../src/index.ts';
import { createProvider, type ProviderAdapter } from '../src/adapter-api.ts';

const image = { url: 'https://img.test/a.png', mediaType: 'image/png', width: 1024, height: 1024, expiresAt: '2026-01-01T00:00:00.000Z' };
const result: ImageResult = {
  provider: 'fake',
  model: 'glm-image',
  images: [image],
  size: { width: 1024, height: 1024 },
  quality: 'hd',
  taskId: undefined,
  requestId: 'req-1',
  createdAt: '2026-01-01T00:00:00.000Z',
  contentFilter: undefined,
  warnings: [],
  cost: { images: 1, basis: 'published', usdPerImage: 0.015, usd: 0.015 },
  timings: { submittedAt: '2026-01-01T00:00:00.000Z', completedAt: '2026-01-01T00:00:01.000Z', statusRequests: 0, attempts: 1 },
  raw: { any: ['thing'] },
};
const sync: TaskHandle = {
  version: 1,
  provider: 'fake',
  model: 'glm-image',
  taskId: 'req-1',
  mode: 'sync',
  submittedAt: '2026-01-01T00:00:00.000Z',
  size: { width: 1024, height: 1024 },
  quality: 'hd',
  n: 1,
  result,
};
const roundTrip = (h: unknown) => JSON.parse(JSON.stringify(h)) as Record<string, unknown>;

function invalid(input: unknown): PictorError {
  try {
    parseTaskHandle(input);
  } catch (error) {
    expect(error).toBeInstanceOf(PictorError);
    expect((error as PictorError).kind).toBe('invalid_request');
    return error as PictorError;
  }
  throw new Error('expected an invalid handle');
}

describe('parseTaskHandle (strict)', () => {
  it('accepts a sync handle with its result, as written to disk', () => {
    expect(parseTaskHandle(JSON.stringify(sync))).toEqual(roundTrip(sync));
  });

  it.each([
    ['a result on an async handle', { ...sync, mode: 'async' }, /result: only a sync handle carries a result/],
    ['a result of another provider', { ...sync, result: { ...result, provider: 'other' } }, /result\.provider/],
    ['a result of another model', { ...sync, result: { ...result, model: 'cogview-4' } }, /result\.model/],
    ['an unknown field', { ...sync, extra: 1 }, /extra/],
    ['an unknown field in the result', { ...sync, result: { ...result, injected: true } }, /injected/],
    ['a path in the provider', { ...sync, provider: '../../etc', result: undefined }, /provider/],
    ['a path in the model', { ...sync, model: 'a/../../b', result: undefined }, /model/],
    ['a task id with spaces or controls', { ...sync, taskId: 'a\nb', result: undefined }, /taskId/],
    ['a file: image URL', { ...sync, result: { ...result, images: [{ ...image, url: 'file:///etc/passwd' }] } }, /result\.images\.0\.url/],
    ['a result with no image', { ...sync, result: { ...result, images: [] } }, /result\.images/],
    ['an absurd size', { ...sync, size: { width: 1e9, height: 1 } }, /size\.width/],
  ])('refuses %s, naming the field', (_name, input, field) => {
    expect(invalid(input).message).toMatch(field);
  });

  it('refuses a handle string larger than any handle before parsing it', () => {
    expect(invalid(' '.repeat(64 * 1024 * 1024 + 1)).message).toMatch(/more than a handle can be/);
  });

  it('refuses non-JSON and non-objects', () => {
    expect(invalid('{oops').message).toMatch(/not valid JSON/);
    expect(invalid(null).message).toMatch(/Invalid task handle/);
    expect(invalid([]).message).toMatch(/Invalid task handle/);
  });
});

describe('wait() and status() of a tampered handle', () => {
  const spec = { id: 'glm-image', sizes: GLM_IMAGE_SIZES, qualities: ['hd'], defaultQuality: 'hd', modes: ['sync', 'async'] as const, defaultMode: 'async' as const, maxImagesPerCall: 1, maxPromptLength: 100, typicalDurationMs: 1, supports: { seed: false, watermark: false, userId: false } } satisfies ModelSpec;
  let reads = 0;
  const adapter: ProviderAdapter = {
    id: 'fake',
    models: { 'glm-image': spec },
    readStatus: async () => {
      reads++;
      return { state: 'running', raw: {} };
    },
  };
  const provider = createProvider(adapter);

  it('refuses an async handle carrying a result instead of returning it unread', async () => {
    const tampered = { ...sync, mode: 'async' };
    await expect(provider.wait(tampered as TaskHandle)).rejects.toMatchObject({ kind: 'invalid_request', message: expect.stringMatching(/result/) });
    await expect(provider.status(tampered as TaskHandle)).rejects.toMatchObject({ kind: 'invalid_request' });
    expect(reads).toBe(0);
  });

  it('returns the checked result of a genuine sync handle without a request', async () => {
    await expect(provider.wait(roundTrip(sync) as unknown as TaskHandle)).resolves.toMatchObject({ images: [{ url: image.url }] });
    await expect(provider.status(roundTrip(sync) as unknown as TaskHandle)).resolves.toMatchObject({ state: 'succeeded' });
    expect(reads).toBe(0);
  });
});
