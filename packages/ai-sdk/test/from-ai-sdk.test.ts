import { inspect } from 'node:util';
/**
 * fromAiSdk beyond the contract: what reaches the AI SDK model, what comes back
 * (warnings, media types, metadata), how its errors map, and an AI SDK model as
 * a failover candidate behind Z.AI on the emulator.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, NoSuchModelError, type ImageModelV4CallOptions, type ImageModelV4Result } from '@ai-sdk/provider';
import { collectEvents, createImageClient, type FailoverResult } from '@pictor/core';
import { paintPng, toBase64 } from '@pictor/mock';
import { startEmulator } from '@pictor/testing';
import { generateImage } from 'ai';
import { MockImageModelV4 } from 'ai/test';
import { builtInProviders } from 'pictor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPictor, fromAiSdk, uncheckedSizes } from '../src/index.ts';
import { fromSdkError } from '../src/from-sdk-error.ts';
import { sniffImageType } from '../src/media-type.ts';
import { startImagesServer, type ImagesServer } from './openai-images-server.ts';

const NO_RETRY = { retry: { submit: { retries: 0 } } };

function recordingModel(result: Partial<ImageModelV4Result> = {}) {
  const calls: ImageModelV4CallOptions[] = [];
  const model = new MockImageModelV4({
    provider: 'acme.image',
    modelId: 'acme-1',
    maxImagesPerCall: 3,
    doGenerate: async (options) => {
      calls.push(options);
      const png = await paintPng(4, 4, 'x', 0);
      return { images: [png], warnings: [], response: { timestamp: new Date('2026-01-02T03:04:05Z'), modelId: 'acme-1-2026', headers: { 'x-id': '1' } }, ...result };
    },
  });
  return { model, calls };
}

describe('fromAiSdk', () => {
  it('sends the prepared request and returns a normalised result with the model warnings', async () => {
    const { model, calls } = recordingModel({ warnings: [{ type: 'unsupported', feature: 'seed', details: 'ignored' }, { type: 'other', message: 'heads up' }] });
    const provider = fromAiSdk(model, { pricePerImageUsd: 0.04 });
    expect(provider.id).toBe('acme');
    expect(provider.models['acme-1']?.maxImagesPerCall).toBe(3);
    const result = await provider.generate({ prompt: 'a kite', aspectRatio: '16:9', seed: 3, providerOptions: { acme: { style: 'vivid' }, other: { ignored: true } } });
    expect(calls[0]).toMatchObject({ prompt: 'a kite', n: 1, size: '1365x768', aspectRatio: undefined, seed: 3, providerOptions: { acme: { style: 'vivid' } } });
    expect(result).toMatchObject({ provider: 'acme', model: 'acme-1', size: { width: 1365, height: 768 }, createdAt: '2026-01-02T03:04:05.000Z', cost: { images: 1, usd: 0.04 } });
    expect(result.images[0]?.url).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(result.images[0]?.mediaType).toBe('image/png');
    expect(result.warnings.map((w) => w.type)).toEqual(['adjusted', 'unsupported', 'other']);
    expect(result.raw).toMatchObject({ response: { modelId: 'acme-1-2026', headers: { 'x-id': '1' } } });
  });

  it('sends the default size with unchecked sizes, and refuses a quality the SDK cannot send', async () => {
    const { model, calls } = recordingModel();
    const provider = fromAiSdk(model, { id: 'images', defaultSize: '512x512', providerOptionsKey: 'acme' });
    await provider.generate({ prompt: 'a kite', size: '333x777', providerOptions: { images: { style: 'x' } } });
    await provider.generate({ prompt: 'a kite' });
    expect(calls.map((c) => c.size)).toEqual(['333x777', '512x512']);
    expect(calls[0]?.providerOptions).toEqual({ acme: { style: 'x' } });
    await expect(provider.generate({ prompt: 'a kite', quality: 'hd' })).rejects.toMatchObject({ kind: 'invalid_request', message: expect.stringMatching(/quality "hd".*valid: standard/) });
    expect(calls).toHaveLength(2);
    expect(uncheckedSizes().default).toBe('1024x1024');
  });

  it('keeps the images of a sloppy model (no warnings, bad timestamp) and refuses a non-array answer', async () => {
    const png = await paintPng(4, 4, 'x', 0);
    const sloppy = new MockImageModelV4({
      doGenerate: async () => ({ images: [toBase64(png)], response: { timestamp: new Date(NaN), modelId: 'm', headers: undefined } }) as unknown as ImageModelV4Result,
    });
    const result = await fromAiSdk(sloppy).generate({ prompt: 'x' });
    expect(result.images[0]?.url).toMatch(/^data:image\/png;base64,/);
    expect(Number.isNaN(Date.parse(result.createdAt))).toBe(false);
    let calls = 0;
    const broken = new MockImageModelV4({
      doGenerate: async () => {
        calls++;
        return { images: 'not an array' } as unknown as ImageModelV4Result;
      },
    });
    await expect(fromAiSdk(broken).generate({ prompt: 'x' })).rejects.toMatchObject({ kind: 'invalid_response', submitOutcome: 'unknown' });
    expect(calls).toBe(1);
  });

  it('keeps the media type of JPEG, WebP and GIF bytes', () => {
    expect(sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImageType(new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50]))).toBe('image/webp');
    expect(sniffImageType(new Uint8Array([0x47, 0x49, 0x46, 0x38]))).toBe('image/gif');
    expect(sniffImageType(new Uint8Array([1, 2, 3]))).toBe('image/png');
  });

  it('maps AI SDK errors to kinds and submit outcomes', () => {
    const api = (statusCode: number | undefined, cause?: unknown) =>
      new APICallError({ message: 'm', url: 'u', requestBodyValues: {}, statusCode, isRetryable: true, cause, responseHeaders: { 'retry-after': '2' } });
    expect(fromSdkError(api(429), 'acme')).toMatchObject({ kind: 'rate_limited', submitOutcome: 'not_created', retryAfterMs: 2000, status: 429, provider: 'acme' });
    expect(fromSdkError(api(500), 'acme')).toMatchObject({ kind: 'provider_unavailable', submitOutcome: 'unknown' });
    expect(fromSdkError(api(undefined, Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })), 'acme')).toMatchObject({ kind: 'network', submitOutcome: 'not_created' });
    expect(fromSdkError(api(undefined, new Error('socket hang up')), 'acme')).toMatchObject({ kind: 'network', submitOutcome: 'unknown' });
    expect(fromSdkError(new NoSuchModelError({ modelId: 'x', modelType: 'imageModel' }), 'acme')).toMatchObject({ kind: 'invalid_request', retryable: false });
    expect(fromSdkError(new DOMException('stop', 'AbortError'), 'acme')).toMatchObject({ kind: 'aborted' });
    expect(fromSdkError(new TypeError('bad json'), 'acme')).toMatchObject({ kind: 'invalid_response', submitOutcome: 'unknown', retryable: false });
  });

  it('keeps no upstream request or response body in the cause (console.log would print them)', () => {
    const secret = 'sk-proj-upstream-secret-123';
    const upstream = new APICallError({ message: 'denied', url: 'u', requestBodyValues: { key: secret }, statusCode: 401, responseBody: `{"echo":"${secret}"}` });
    const error = fromSdkError(upstream, 'acme');
    expect(error.cause).toMatchObject({ name: 'AI_APICallError', message: 'denied', statusCode: 401 });
    expect(inspect(error, { depth: 10 })).not.toContain(secret);
  });

  it('does not retry a submit whose outcome is unknown (HTTP 500 from the model)', async () => {
    let calls = 0;
    const model = new MockImageModelV4({
      doGenerate: async () => {
        calls++;
        throw new APICallError({ message: 'boom', url: 'u', requestBodyValues: {}, statusCode: 500, isRetryable: true });
      },
    });
    await expect(fromAiSdk(model).generate({ prompt: 'once' }, { retry: { submit: { minDelayMs: 1, maxDelayMs: 1 } } })).rejects.toMatchObject({ kind: 'provider_unavailable', submitOutcome: 'unknown' });
    expect(calls).toBe(1);
  });
});

describe('fromAiSdk in a Pictor client: Z.AI first, an AI SDK model as the fallback', () => {
  let server: ImagesServer;
  beforeEach(async () => {
    server = await startImagesServer();
  });
  afterEach(() => server.close());

  it('fails over from the emulated Z.AI to the OpenAI-compatible model, with events', async () => {
    const emulator = await startEmulator({ durations: 5, imageSize: { width: 8, height: 8 } });
    try {
      emulator.setFaults([{ provider: 'zai', endpoint: 'submit', type: 'http', status: 503, code: '1234' }]);
      const openai = createOpenAICompatible({ name: 'openai', baseURL: server.baseURL, apiKey: 'test-key-not-real' });
      const client = createImageClient(
        { model: 'zai:glm-image', fallbacks: ['openai:img-1'], providers: { zai: { apiKey: 'test-key-not-real', baseURL: emulator.zaiBaseURL, ...NO_RETRY } } },
        { ...builtInProviders, openai: () => fromAiSdk(openai.imageModel('img-1')) },
      );
      const { events, listener } = collectEvents();
      const result = (await client.generate({ prompt: 'a harbour', size: '1280x1280' }, { onEvent: listener })) as FailoverResult;
      expect(result.provider).toBe('openai');
      expect(result.route.map((s) => s.outcome)).toEqual(['failed', 'served']);
      expect(events.map((e) => e.type)).toContain('failover');
      expect(server.lastBody).toMatchObject({ model: 'img-1', prompt: 'a harbour', size: '1280x1280', n: 1 });
    } finally {
      await emulator.close();
    }
  });

  it('round-trips: an AI SDK model through Pictor back into generateImage', async () => {
    const openai = createOpenAICompatible({ name: 'openai', baseURL: server.baseURL, apiKey: 'test-key-not-real' });
    const pictor = createPictor({
      model: 'openai:img-1',
      registry: { openai: () => fromAiSdk(openai.imageModel('img-1'), { maxImagesPerCall: 2, pricePerImageUsd: 0.04 }) },
    });
    const model = pictor.imageModel('openai:img-1');
    expect(model.maxImagesPerCall).toBe(2);
    const result = await generateImage({ model, prompt: 'three kites', n: 3, size: '1024x1024', maxRetries: 0 });
    expect(result.images).toHaveLength(3);
    expect(server.requests).toBe(2); // 2 + 1, split by the SDK
    expect(result.calls[0]?.providerMetadata?.pictor).toMatchObject({ provider: 'openai', cost: { images: 2, usd: 0.08 } });
  });
});
