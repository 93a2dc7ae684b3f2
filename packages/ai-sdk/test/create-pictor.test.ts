/**
 * The real `generateImage` from `ai` on Pictor routes, over real HTTP against
 * Pictor's emulator (127.0.0.1): Z.AI sync/async glm-image, cogview-4, Novita,
 * failover, the SDK's n-splitting, warnings, metadata, abort, and no double
 * billing through the SDK's retries.
 */
import { APICallError, NoSuchModelError, UnsupportedFunctionalityError } from '@ai-sdk/provider';
import { PictorError, type PictorEvent } from '@pictor/core';
import { startEmulator, type Emulator } from '@pictor/testing';
import { generateImage } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPictor, pictorErrorOf, type PictorProviderSettings } from '../src/index.ts';
import { submitAttempts } from '../src/to-sdk-error.ts';

const KEY = 'test-key-not-real-0000';
const FAST_POLL = { firstDelayMs: 0, intervalMs: 5, minIntervalMs: 5, maxIntervalMs: 20, maxEtaWaitMs: 20 };
const FAST_RETRY = { submit: { minDelayMs: 1, maxDelayMs: 2 }, status: { minDelayMs: 1, maxDelayMs: 2 } };
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

let emulator: Emulator;

beforeAll(async () => {
  // Tasks take 20 ms, except those whose prompt says 'deadline' (500 ms, past a 1-ms poll deadline).
  emulator = await startEmulator({ durations: (_provider, prompt) => (prompt.includes('deadline') ? 500 : 20), imageSize: { width: 8, height: 8 } });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
});

function pictorFor(settings: PictorProviderSettings = {}) {
  const section = (baseURL: string) => ({ apiKey: KEY, baseURL, poll: FAST_POLL, retry: FAST_RETRY });
  return createPictor({
    model: 'zai:glm-image',
    providers: { zai: section(emulator.zaiBaseURL), novita: section(emulator.novitaBaseURL) },
    ...settings,
  });
}

const submits = (provider: 'zai' | 'novita') => (emulator.counters[`${provider}.submit`] ?? 0) + (emulator.counters[`${provider}.sync`] ?? 0);

describe('createPictor with generateImage', () => {
  it('generates with sync glm-image: bytes, response id and headers', async () => {
    const pictor = pictorFor();
    const result = await generateImage({
      model: pictor.imageModel('zai:glm-image'),
      prompt: 'a lighthouse at dusk',
      providerOptions: { pictor: { mode: 'sync' } },
    });
    expect(emulator.counters['zai.sync']).toBe(1);
    expect(emulator.counters['zai.submit']).toBeUndefined();
    expect([...result.image.uint8Array.slice(0, 4)]).toEqual(PNG_SIGNATURE);
    expect(result.image.mediaType).toBe('image/png');
    expect(result.responses[0]?.modelId).toBe('zai:glm-image');
    // The emulator's sync answer carries the task id as x-request-id.
    const taskId = [...emulator.tasks.keys()][0];
    expect(result.responses[0]?.headers?.['x-request-id']).toBe(taskId);
    expect(result.responses[0]?.timestamp).toBeInstanceOf(Date);
  });

  it('generates with async glm-image and reports task id, URL, expiry and cost', async () => {
    const pictor = pictorFor();
    const result = await generateImage({ model: pictor.imageModel('zai:glm-image'), prompt: 'a fox in the snow' });
    expect(emulator.counters['zai.submit']).toBe(1);
    expect(emulator.counters['zai.status']).toBeGreaterThanOrEqual(1);
    const [task] = [...emulator.tasks.values()];
    const image = result.providerMetadata.pictor?.images[0] as Record<string, unknown>;
    expect(image).toMatchObject({ provider: 'zai', model: 'glm-image', taskId: task?.id, url: `${emulator.url}/images/${task?.id}-0.png`, width: 1280, height: 1280 });
    expect(Date.parse(image.expiresAt as string)).toBeGreaterThan(Date.now());
    // The image's own metadata is the same entry.
    expect(result.image.providerMetadata?.pictor).toEqual(image);
    const call = result.calls[0]?.providerMetadata?.pictor as Record<string, unknown>;
    expect(call).toMatchObject({ taskId: task?.id, cost: { images: 1, usd: 0.015 }, size: '1280x1280', route: [{ candidate: 'zai:glm-image', outcome: 'served' }] });
    expect([...result.image.uint8Array.slice(0, 4)]).toEqual(PNG_SIGNATURE);
  });

  it('generates with cogview-4 at a requested size', async () => {
    const pictor = pictorFor();
    const result = await generateImage({ model: pictor.imageModel('zai:cogview-4-250304'), prompt: 'a teapot', size: '1344x768' });
    expect(emulator.counters['zai.sync']).toBe(1);
    expect([...emulator.tasks.values()][0]).toMatchObject({ width: 1344, height: 768 });
    expect(result.responses[0]?.modelId).toBe('zai:cogview-4-250304');
    expect(result.providerMetadata.pictor?.images[0]).toMatchObject({ width: 1344, height: 768 });
  });

  it('generates with Novita glm-image (async) and its URL expiry', async () => {
    const pictor = pictorFor({ model: 'novita:glm-image' });
    const result = await generateImage({ model: pictor.imageModel('novita:glm-image'), prompt: 'a red bicycle' });
    expect(emulator.counters['novita.submit']).toBe(1);
    expect(submits('zai')).toBe(0);
    expect(result.responses[0]?.modelId).toBe('novita:glm-image');
    const image = result.providerMetadata.pictor?.images[0] as Record<string, unknown>;
    expect(image.provider).toBe('novita');
    expect(Date.parse(image.expiresAt as string)).toBeGreaterThan(Date.now());
  });

  it('follows a failover route: Z.AI refuses, Novita serves, and the route is in the metadata', async () => {
    emulator.setFaults([{ provider: 'zai', endpoint: 'submit', type: 'http', status: 503, code: '1234' }]);
    const pictor = pictorFor({ fallbacks: ['novita:glm-image'] });
    const result = await generateImage({ model: pictor.imageModel('zai:glm-image'), prompt: 'a castle on a hill' });
    expect(submits('zai')).toBe(1);
    expect(submits('novita')).toBe(1);
    expect(result.responses[0]?.modelId).toBe('novita:glm-image');
    const call = result.calls[0]?.providerMetadata?.pictor as unknown as { route: { candidate: string; outcome: string }[] };
    expect(call.route.map((s) => `${s.candidate}=${s.outcome}`)).toEqual(['zai:glm-image=failed', 'novita:glm-image=served']);
  });

  it('lets the SDK split n=2 into two calls of one image (maxImagesPerCall from the model spec)', async () => {
    const pictor = pictorFor({ fallbacks: ['novita:glm-image'] });
    const model = pictor.imageModel('zai:glm-image');
    expect(model.maxImagesPerCall).toBe(1);
    const result = await generateImage({ model, prompt: 'two owls', n: 2 });
    expect(result.images).toHaveLength(2);
    expect(result.responses).toHaveLength(2);
    expect(emulator.counters['zai.submit']).toBe(2);
    const taskIds = (result.providerMetadata.pictor?.images as { taskId: string }[]).map((i) => i.taskId);
    expect(new Set(taskIds).size).toBe(2);
    expect(taskIds.sort()).toEqual([...emulator.tasks.keys()].sort());
  });

  it('takes the smallest maxImagesPerCall along the route', () => {
    const pictor = createPictor({ model: 'mock:glm-image', fallbacks: ['zai:glm-image'], providers: { zai: { apiKey: KEY, baseURL: emulator.zaiBaseURL } } });
    expect(pictor.imageModel('mock:glm-image').maxImagesPerCall).toBe(1);
    // The mock mirrors the real model (one image per call) unless told otherwise.
    expect(createPictor({ model: 'mock:glm-image' }).imageModel('mock:glm-image').maxImagesPerCall).toBe(1);
    const roomy = { mock: { models: { 'glm-image': { maxImagesPerCall: 4 } } } };
    expect(createPictor({ model: 'mock:glm-image', providers: roomy }).imageModel('mock:glm-image').maxImagesPerCall).toBe(4);
    expect(createPictor({ model: 'mock:glm-image', fallbacks: ['zai:glm-image'], providers: { ...roomy, zai: { apiKey: KEY, baseURL: emulator.zaiBaseURL } } }).imageModel('mock:glm-image').maxImagesPerCall).toBe(1);
    // A provider the config does not name is not built yet: one image per call until it is.
    expect(pictorFor().imageModel('mock:glm-image').maxImagesPerCall).toBe(1);
  });

  it("maps Pictor's warnings to the SDK's kinds", async () => {
    const pictor = pictorFor();
    const adjusted = await generateImage({ model: pictor.imageModel('zai:glm-image'), prompt: 'a wide valley', aspectRatio: '16:9', seed: 7 });
    expect(adjusted.warnings).toEqual(
      expect.arrayContaining([
        { type: 'unsupported', feature: 'seed', details: expect.stringContaining('seed is not supported') },
        { type: 'compatibility', feature: 'aspectRatio', details: expect.stringMatching(/16:9 resolved to 1728x960/) },
      ]),
    );
    // A candidate that cannot honour the size is skipped: Pictor's 'skipped' becomes the SDK's 'other'.
    const skipping = pictorFor({ fallbacks: ['zai:cogview-4-250304'] });
    const skipped = await generateImage({ model: skipping.imageModel('zai:glm-image'), prompt: 'a small icon', size: '512x512' });
    expect(skipped.responses[0]?.modelId).toBe('zai:cogview-4-250304');
    expect(skipped.warnings).toEqual([{ type: 'other', message: expect.stringMatching(/^zai:glm-image skipped: cannot honour/) }]);
  });

  it('passes providerOptions.pictor and the provider namespaces through', async () => {
    const pictor = pictorFor();
    const result = await generateImage({
      model: pictor.imageModel('zai:glm-image'),
      prompt: 'a paper boat',
      providerOptions: { pictor: { mode: 'sync', poll: { timeoutMs: 5000 } }, zai: { requestId: 'my-request-000001' } },
    });
    expect(emulator.counters['zai.sync']).toBe(1);
    expect(result.providerMetadata.pictor?.images).toHaveLength(1);
    // A bad namespace is refused by its provider before any request, and never retried by the SDK.
    const error = await generateImage({ model: pictor.imageModel('zai:glm-image'), prompt: 'x', providerOptions: { zai: { requestID: 'typo' } } }).catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).isRetryable).toBe(false);
    expect((error as Error).message).toMatch(/Invalid providerOptions\.zai/);
    expect(emulator.counters['zai.sync']).toBe(1);
  });

  it('refuses bad providerOptions.pictor with the field named, before any request', async () => {
    const pictor = pictorFor();
    const error = await generateImage({ model: pictor.imageModel('zai:glm-image'), prompt: 'x', providerOptions: { pictor: { mode: 'later' } } }).catch((e: unknown) => e);
    expect(pictorErrorOf(error)?.kind).toBe('invalid_request');
    expect((error as Error).message).toMatch(/Invalid providerOptions\.pictor: mode/);
    expect(Object.keys(emulator.counters)).toEqual([]);
  });

  it('aborts a waiting async task: a PictorError with the handle to resume, and one submit', async () => {
    emulator.setFaults([{ provider: 'zai', endpoint: 'submit', type: 'never_finish' }]);
    const controller = new AbortController();
    const onEvent = (event: PictorEvent) => {
      if (event.type === 'status') controller.abort();
    };
    const pictor = pictorFor({ onEvent });
    const error = await generateImage({ model: pictor.imageModel('zai:glm-image'), prompt: 'never done', abortSignal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PictorError);
    expect((error as PictorError).kind).toBe('aborted');
    const handle = (error as PictorError).handle;
    expect(handle?.taskId).toBe([...emulator.tasks.keys()][0]);
    expect(emulator.counters['zai.submit']).toBe(1);
    // The handle resumes on the same client without a second submit.
    const status = await pictor.client.status(handle!);
    expect(status.state).toBe('running');
    expect(emulator.counters['zai.submit']).toBe(1);
  });

  it('aborts a sync call in flight: aborted, no handle, no retry by the SDK', async () => {
    emulator.setFaults([{ provider: 'zai', endpoint: 'sync', type: 'slow', delayMs: 60_000 }]);
    const controller = new AbortController();
    let attempts = 0;
    // Abort as soon as the request is on its way (event-driven, no guessed delay).
    const abortingFetch: typeof fetch = (input, init) => {
      attempts++;
      const pending = fetch(input, init);
      controller.abort();
      return pending;
    };
    const pictor = createPictor({ model: 'zai:cogview-4-250304', providers: { zai: { apiKey: KEY, baseURL: emulator.zaiBaseURL, fetch: abortingFetch } } });
    const error = await generateImage({ model: pictor.imageModel('zai:cogview-4-250304'), prompt: 'slow sync', abortSignal: controller.signal, maxRetries: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PictorError);
    expect((error as PictorError).kind).toBe('aborted');
    expect((error as PictorError).handle).toBeUndefined();
    // One attempt in all: neither Pictor nor the SDK tried again after the abort.
    expect(attempts).toBe(1);
  });

  it('stops at the poll deadline with a resumable handle; resuming pays nothing more', async () => {
    const pictor = pictorFor();
    const error = await generateImage({
      model: pictor.imageModel('zai:glm-image'),
      prompt: 'past the deadline',
      providerOptions: { pictor: { poll: { timeoutMs: 1 } } },
      maxRetries: 2,
    }).catch((e: unknown) => e);
    expect((error as APICallError).isRetryable).toBe(false);
    const pictorError = pictorErrorOf(error)!;
    expect(pictorError.kind).toBe('timeout');
    expect(((error as APICallError).data as { handle: { taskId: string } }).handle.taskId).toBe(pictorError.handle?.taskId);
    const result = await pictor.client.wait(pictorError.handle!, { poll: FAST_POLL });
    expect(result.taskId).toBe(pictorError.handle?.taskId);
    expect(emulator.submitsByPrompt.get('past the deadline')).toBe(1);
  });

  it('sends the call headers (and the SDK user agent) but never lets them replace the key', async () => {
    const seen: Headers[] = [];
    const recording: typeof fetch = async (input, init) => {
      seen.push(input instanceof Request ? input.headers : new Headers(init?.headers));
      return fetch(input, init);
    };
    const pictor = createPictor({ model: 'zai:cogview-4-250304', providers: { zai: { apiKey: KEY, baseURL: emulator.zaiBaseURL, fetch: recording } } });
    await generateImage({ model: pictor.imageModel('zai:cogview-4-250304'), prompt: 'x', headers: { 'x-trace-id': 'trace-1', Authorization: 'Bearer stolen' } });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.get('x-trace-id')).toBe('trace-1');
    expect(seen[0]?.get('user-agent')).toMatch(/ai\/7\./);
    expect(seen[0]?.get('authorization')).toBe(`Bearer ${KEY}`);
    // Outside a call, nothing is added.
    await pictor.client.generate({ model: 'zai:cogview-4-250304', prompt: 'y' });
    expect(seen[1]?.get('x-trace-id')).toBeNull();
  });
});

describe('createPictor: no double billing through the SDK', () => {
  it('an unknown submit outcome reaches the SDK as not retryable: exactly one submit on the server', async () => {
    // A 500 after the task was queued: the provider may bill it.
    emulator.setFaults([{ provider: 'zai', endpoint: 'submit', type: 'http', status: 500 }]);
    const pictor = pictorFor();
    const error = await generateImage({ model: pictor.imageModel('zai:glm-image'), prompt: 'billed once', maxRetries: 2 }).catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).isRetryable).toBe(false);
    expect(pictorErrorOf(error)?.submitOutcome).toBe('unknown');
    expect(emulator.submitsByPrompt.get('billed once')).toBe(1);
    expect(emulator.tasks.size).toBe(1);
  });

  it('an error Pictor already retried reaches the SDK as not retryable', async () => {
    emulator.setFaults([{ provider: 'zai', endpoint: 'submit', type: 'http', status: 503, code: '1234', times: 10 }]);
    const pictor = pictorFor();
    const error = await generateImage({ model: pictor.imageModel('zai:glm-image'), prompt: 'retried inside', maxRetries: 2 }).catch((e: unknown) => e);
    expect((error as APICallError).isRetryable).toBe(false);
    expect(submitAttempts(pictorErrorOf(error)!)).toHaveLength(3);
    // Pictor's 1 + 2 retries; the SDK added none.
    expect(emulator.submitsByPrompt.get('retried inside')).toBe(3);
  });

  it('an error after a failover reaches the SDK as not retryable', async () => {
    emulator.setFaults([{ endpoint: 'submit', type: 'http', status: 503, code: '1234', times: 10 }]);
    const pictor = pictorFor({ fallbacks: ['novita:glm-image'] });
    const error = await generateImage({ model: pictor.imageModel('zai:glm-image'), prompt: 'both down', maxRetries: 2 }).catch((e: unknown) => e);
    expect((error as APICallError).isRetryable).toBe(false);
    expect(submits('zai')).toBe(1);
    expect(submits('novita')).toBe(1);
  });

  it('a refusal that provably created nothing, not retried by Pictor, is left to the SDK to retry', async () => {
    emulator.setFaults([{ provider: 'zai', endpoint: 'submit', type: 'http', status: 503, code: '1234', retryAfterSeconds: 0 }]);
    const pictor = createPictor({
      model: 'zai:glm-image',
      providers: { zai: { apiKey: KEY, baseURL: emulator.zaiBaseURL, poll: FAST_POLL, retry: { submit: { retries: 0 } } } },
    });
    const result = await generateImage({ model: pictor.imageModel('zai:glm-image'), prompt: 'second time lucky', maxRetries: 1 });
    expect(result.images).toHaveLength(1);
    expect(emulator.submitsByPrompt.get('second time lucky')).toBe(2);
    expect(emulator.tasks.size).toBe(1);
  });

  it('a failed download after generation is not retryable and names the paid-for URLs', async () => {
    const pictor = pictorFor({ download: { maxBytes: 10 } });
    const error = await generateImage({ model: pictor.imageModel('zai:cogview-4-250304'), prompt: 'too big', maxRetries: 2 }).catch((e: unknown) => e);
    expect((error as APICallError).isRetryable).toBe(false);
    expect((error as Error).message).toMatch(/larger than the 10-byte limit.*generated and paid for \(http:\/\/127\.0\.0\.1/);
    expect(emulator.counters['zai.sync']).toBe(1);
  });
});

describe('createPictor: models and inputs', () => {
  it('refuses an unknown model or provider with NoSuchModelError, and offers image models only', () => {
    const pictor = pictorFor();
    expect(() => pictor.imageModel('zai:dall-e-3')).toThrow(NoSuchModelError);
    expect(() => pictor.imageModel('openai:dall-e-3')).toThrow(/provider of zai, novita, mock/);
    expect(() => pictor.imageModel('no-colon-at-all:')).toThrow(NoSuchModelError);
    // Inherited names are not providers or models.
    expect(() => pictor.imageModel('constructor:x')).toThrow(NoSuchModelError);
    expect(() => pictor.imageModel('zai:toString')).toThrow(NoSuchModelError);
    expect(() => pictor.languageModel('x')).toThrow(NoSuchModelError);
    expect(() => pictor.embeddingModel('x')).toThrow(NoSuchModelError);
    // A bare model id means the default provider's; the provider is callable too.
    expect(pictor('cogview-4-250304').modelId).toBe('zai:cogview-4-250304');
    expect(pictor.specificationVersion).toBe('v4');
  });

  it('refuses more images per call than the model makes, when the caller overrides maxImagesPerCall', async () => {
    const pictor = pictorFor();
    const error = await generateImage({ model: pictor.imageModel('zai:glm-image'), prompt: 'x', n: 2, maxImagesPerCall: 2 }).catch((e: unknown) => e);
    expect((error as APICallError).isRetryable).toBe(false);
    expect((error as Error).message).toMatch(/n=2 is more than glm-image returns per call \(1\)/);
    expect(Object.keys(emulator.counters)).toEqual([]);
  });

  it('refuses image inputs instead of ignoring them', async () => {
    const pictor = pictorFor();
    const error = await generateImage({
      model: pictor.imageModel('zai:glm-image'),
      prompt: { text: 'edit this', images: [new Uint8Array([0x89, 0x50, 0x4e, 0x47])] },
    }).catch((e: unknown) => e);
    expect(UnsupportedFunctionalityError.isInstance(error)).toBe(true);
    expect(Object.keys(emulator.counters)).toEqual([]);
  });

  it('defaults to the keyless mock when no config and no key is given', async () => {
    vi.stubEnv('ZAI_API_KEY', '');
    vi.stubEnv('NOVITA_API_KEY', '');
    try {
      const pictor = createPictor();
      expect(pictor.client.candidates).toEqual(['mock:glm-image']);
      expect(pictor('glm-image').modelId).toBe('mock:glm-image');
      // Settings without a model keep the default model.
      expect(createPictor({ providers: { mock: { durationMs: 5 } } }).client.candidates).toEqual(['mock:glm-image']);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('runs keyless on the mock provider', async () => {
    const pictor = createPictor({ model: 'mock:glm-image', providers: { mock: { durationMs: 5 } } });
    const result = await generateImage({ model: pictor.imageModel('mock:glm-image'), prompt: 'offline', n: 2, providerOptions: { pictor: { poll: FAST_POLL } } });
    expect(result.images).toHaveLength(2);
    expect(result.responses).toHaveLength(2); // like glm-image, the mock makes one image per call: the SDK splits n=2
    expect(result.images[0]?.mediaType).toBe('image/png');
  });
});
