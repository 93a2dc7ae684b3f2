import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  PictorError,
  collectEvents,
  estimateCost,
  type ModelSpec,
  type TaskHandle,
} from '../src/index.ts';
import { GLM_MODEL_RULES, createProvider, type AdapterStatus, type ProviderAdapter } from '../src/adapter-api.ts';
import { guessMediaType } from '../src/provider.ts';
import { testSpec } from './model-spec.ts';

// The GLM models' rules with a short prompt limit and URL lifetime, a price and a fast typical duration.
const own = { maxPromptLength: 100, pricePerImageUsd: 0.015, typicalDurationMs: 1000, urlTtlMs: 60_000 };
const spec = (over: Partial<ModelSpec> & Pick<ModelSpec, 'id'>): ModelSpec => testSpec({ ...own, ...over });

const models = {
  'glm-image': spec({ id: 'glm-image' }),
  'cogview-4-250304': spec({ ...GLM_MODEL_RULES['cogview-4-250304'], ...own }),
};

function scriptedAdapter(statuses: AdapterStatus[] = [], extra: Partial<ProviderAdapter<{ style?: string }>> = {}) {
  const sent: unknown[] = [];
  let reads = 0;
  const adapter: ProviderAdapter<{ style?: string }> = {
    id: 'fake',
    models,
    providerOptionsSchema: z.object({ style: z.string().optional() }).strict(),
    generateSync: vi.fn(async (request) => {
      sent.push(request);
      return { images: [{ url: 'https://img.test/a.png' }], requestId: 'req-9', raw: { sync: true } };
    }),
    submitAsync: vi.fn(async (request) => {
      sent.push(request);
      return { taskId: '8353992347972780031', requestId: 'req-1', raw: {} };
    }),
    readStatus: vi.fn(async () => statuses[Math.min(reads++, statuses.length - 1)] as AdapterStatus),
    ...extra,
  };
  return { adapter, sent };
}

const done: AdapterStatus = { state: 'succeeded', output: { images: [{ url: 'https://img.test/b.webp' }], raw: { done: 1 } }, raw: {} };
const fastPoll = { poll: { firstDelayMs: 0, intervalMs: 1, minIntervalMs: 1 } };

afterEach(() => void vi.useRealTimers());

describe('createProvider: validation before any request', () => {
  it('refuses an invalid size, quality, mode and n without calling the adapter', async () => {
    const { adapter } = scriptedAdapter();
    const provider = createProvider(adapter);
    const cases = [
      [{ model: 'glm-image', prompt: 'a', size: '1000x1000' }, 'Nearest valid sizes'],
      [{ model: 'glm-image', prompt: 'a', quality: 'standard' }, 'valid: hd'],
      [{ model: 'cogview-4-250304', prompt: 'a', mode: 'async' }, 'does not support async'],
      [{ model: 'glm-image', prompt: 'a', n: 2 }, 'make 2 calls'],
      [{ model: 'glm-image', prompt: 'x'.repeat(101) }, 'at most 100'],
      [{ model: 'dall-e', prompt: 'a' }, 'available: glm-image, cogview-4-250304'],
      [{ prompt: 'a' }, 'No model given'],
      [{ model: 'glm-image', prompt: 'a', providerOptions: { fake: { style: 1 } } }, 'providerOptions.fake'],
    ] as const;
    for (const [request, message] of cases) {
      const error = (await provider.generate(request as never).catch((e) => e)) as PictorError;
      expect(error, message).toBeInstanceOf(PictorError);
      expect(error.kind).toBe('invalid_request');
      expect(error.message).toContain(message);
    }
    expect(adapter.generateSync).not.toHaveBeenCalled();
    expect(adapter.submitAsync).not.toHaveBeenCalled();
  });

  it('warns about unsupported settings, or refuses them in strict mode', async () => {
    const { adapter, sent } = scriptedAdapter([done]);
    const provider = createProvider(adapter);
    const result = await provider.generate({ model: 'glm-image', prompt: 'a', seed: 7, mode: 'sync' });
    expect(result.warnings).toEqual([expect.objectContaining({ type: 'unsupported', feature: 'seed' })]);
    expect((sent[0] as { seed?: number }).seed).toBeUndefined();
    await expect(provider.generate({ model: 'glm-image', prompt: 'a', seed: 7 }, { strict: true })).rejects.toMatchObject({
      kind: 'invalid_request',
      message: expect.stringContaining('strict'),
    });
  });

  it('passes only its own providerOptions namespace, parsed', async () => {
    const { adapter, sent } = scriptedAdapter([done]);
    await createProvider(adapter).generate(
      { model: 'glm-image', prompt: 'a', mode: 'sync', providerOptions: { fake: { style: 'ink' }, other: { x: 1 } } },
    );
    expect((sent[0] as { providerOptions: unknown }).providerOptions).toEqual({ style: 'ink' });
  });
});

describe('createProvider: sync', () => {
  it('normalises the result and embeds it in the handle', async () => {
    const { adapter } = scriptedAdapter();
    const provider = createProvider(adapter);
    const { events, listener } = collectEvents();
    const result = await provider.generate({ model: 'cogview-4-250304', prompt: 'a', aspectRatio: '16:9' }, { onEvent: listener });
    expect(result).toMatchObject({
      provider: 'fake',
      model: 'cogview-4-250304',
      size: { width: 1344, height: 768 },
      quality: 'standard',
      requestId: 'req-9',
      taskId: undefined,
      images: [{ url: 'https://img.test/a.png', mediaType: 'image/png', width: 1344, height: 768 }],
      cost: { images: 1, usd: 0.015 },
      timings: { statusRequests: 0, attempts: 1 },
    });
    expect(Date.parse(result.images[0]!.expiresAt!) - Date.parse(result.createdAt)).toBe(60_000);
    expect(events.map((e) => e.type)).toEqual(['submitted', 'completed']);
    const handle = await provider.submit({ model: 'cogview-4-250304', prompt: 'b' });
    expect(handle.result?.images).toHaveLength(1);
    await expect(provider.wait(JSON.parse(JSON.stringify(handle)) as TaskHandle)).resolves.toMatchObject({ model: 'cogview-4-250304' });
    await expect(provider.status(handle)).resolves.toMatchObject({ state: 'succeeded' });
  });

  it('treats a success with zero images as a failure', async () => {
    const { adapter } = scriptedAdapter([], { generateSync: async () => ({ images: [], raw: {} }) });
    await expect(createProvider(adapter).generate({ model: 'cogview-4-250304', prompt: 'a' })).rejects.toMatchObject({
      kind: 'invalid_response',
      message: expect.stringContaining('no images'),
    });
  });
});

describe('createProvider: async', () => {
  it('submits, polls and returns the result with timings and events in order', async () => {
    const { adapter } = scriptedAdapter([{ state: 'queued', raw: {} }, { state: 'running', progress: 50, etaMs: 1, raw: {} }, done]);
    const { events, listener } = collectEvents();
    const result = await createProvider(adapter).generate({ model: 'glm-image', prompt: 'a' }, { onEvent: listener, ...fastPoll });
    expect(result).toMatchObject({
      taskId: '8353992347972780031',
      requestId: 'req-1',
      images: [{ mediaType: 'image/webp', width: 1280, height: 1280 }],
      timings: { statusRequests: 3, attempts: 1 },
      raw: { done: 1 },
    });
    expect(events.map((e) => e.type)).toEqual(['submitted', 'status', 'status', 'status', 'completed']);
    expect(events[2]).toMatchObject({ type: 'status', state: 'running', progress: 50, statusRequests: 2 });
  });

  it('resumes a handle saved as JSON without submitting again', async () => {
    const first = scriptedAdapter([done]);
    const handle = await createProvider(first.adapter).submit({ model: 'glm-image', prompt: 'a' });
    const second = scriptedAdapter([{ state: 'running', raw: {} }, done]);
    const result = await createProvider(second.adapter).wait(JSON.parse(JSON.stringify(handle)), fastPoll);
    expect(result.taskId).toBe('8353992347972780031');
    expect(second.adapter.submitAsync).not.toHaveBeenCalled();
    expect(second.adapter.readStatus).toHaveBeenCalledTimes(2);
  });

  it('raises task_failed with the handle attached', async () => {
    const failure = new PictorError({ kind: 'task_failed', message: 'nsfw', provider: 'fake' });
    const { adapter } = scriptedAdapter([{ state: 'failed', error: failure, raw: {} }]);
    const error = (await createProvider(adapter).generate({ model: 'glm-image', prompt: 'a' }, fastPoll).catch((e) => e)) as PictorError;
    expect(error.kind).toBe('task_failed');
    expect(error.handle?.taskId).toBe('8353992347972780031');
    const bare = scriptedAdapter([{ state: 'failed', raw: {} }]);
    await expect(createProvider(bare.adapter).generate({ model: 'glm-image', prompt: 'a' }, fastPoll)).rejects.toMatchObject({ kind: 'task_failed' });
  });

  it('refuses an accepted submit with an empty task id, as an unknown outcome', async () => {
    const { adapter } = scriptedAdapter([done], { submitAsync: async () => ({ taskId: '', raw: {} }) });
    await expect(createProvider(adapter).generate({ model: 'glm-image', prompt: 'a' }, fastPoll)).rejects.toMatchObject({ kind: 'invalid_response', submitOutcome: 'unknown' });
  });

  it('treats succeeded-without-images as invalid_response', async () => {
    const { adapter } = scriptedAdapter([{ state: 'succeeded', output: { images: [], raw: {} }, raw: {} }]);
    await expect(createProvider(adapter).generate({ model: 'glm-image', prompt: 'a' }, fastPoll)).rejects.toMatchObject({ kind: 'invalid_response' });
    const missing = scriptedAdapter([{ state: 'succeeded', raw: {} }]);
    await expect(createProvider(missing.adapter).generate({ model: 'glm-image', prompt: 'a' }, fastPoll)).rejects.toMatchObject({ kind: 'invalid_response' });
  });

  it('times out with a resumable handle, and aborts with one', async () => {
    vi.useFakeTimers();
    const { adapter } = scriptedAdapter([{ state: 'running', raw: {} }]);
    const provider = createProvider(adapter);
    const timedOut = provider.generate({ model: 'glm-image', prompt: 'a' }, { poll: { timeoutMs: 5000 } });
    const check = expect(timedOut).rejects.toMatchObject({ kind: 'timeout', handle: { taskId: '8353992347972780031' } });
    await vi.advanceTimersByTimeAsync(6000);
    await check;

    const controller = new AbortController();
    const { events, listener } = collectEvents();
    const aborted = provider.generate({ model: 'glm-image', prompt: 'a' }, { signal: controller.signal, onEvent: listener });
    const abortCheck = expect(aborted).rejects.toMatchObject({ kind: 'aborted', handle: { taskId: '8353992347972780031' } });
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    await abortCheck;
    expect(events.at(-1)).toMatchObject({ type: 'failed', error: { kind: 'aborted' } });
  });

  it('retries status reads without resubmitting, and keeps the handle when reads give up', async () => {
    let reads = 0;
    const { adapter } = scriptedAdapter([], {
      readStatus: vi.fn(async () => {
        reads++;
        if (reads === 1) throw new PictorError({ kind: 'network', message: 'reset' });
        return done;
      }),
    });
    const provider = createProvider(adapter, { retry: { status: { minDelayMs: 1, maxDelayMs: 1 } } });
    await expect(provider.generate({ model: 'glm-image', prompt: 'a' }, fastPoll)).resolves.toMatchObject({ taskId: '8353992347972780031' });
    expect(adapter.submitAsync).toHaveBeenCalledTimes(1);

    const broken = scriptedAdapter([], { readStatus: async () => Promise.reject(new PictorError({ kind: 'authentication', message: 'revoked' })) });
    const error = (await createProvider(broken.adapter).generate({ model: 'glm-image', prompt: 'a' }, fastPoll).catch((e) => e)) as PictorError;
    expect(error).toMatchObject({ kind: 'authentication', handle: { taskId: '8353992347972780031' } });
  });

  it('refuses handles of another provider or malformed handles', async () => {
    const { adapter } = scriptedAdapter([done]);
    const provider = createProvider(adapter);
    const handle = await provider.submit({ model: 'glm-image', prompt: 'a' });
    await expect(provider.wait({ ...handle, provider: 'zai' })).rejects.toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('belongs to provider "zai"') });
    await expect(provider.status({ ...handle, taskId: '' })).rejects.toMatchObject({ kind: 'invalid_request' });
    await expect(provider.status({ ...handle, model: 'nope' })).rejects.toMatchObject({ message: expect.stringContaining('Unknown model') });
  });

  it('reports adapters that declare a mode they do not implement', async () => {
    const { adapter } = scriptedAdapter([], { submitAsync: undefined, generateSync: undefined, readStatus: undefined });
    const provider = createProvider(adapter);
    await expect(provider.generate({ model: 'glm-image', prompt: 'a' })).rejects.toMatchObject({ message: expect.stringContaining('implements no submitAsync') });
    await expect(provider.generate({ model: 'glm-image', prompt: 'a', mode: 'sync' })).rejects.toMatchObject({ message: expect.stringContaining('implements no generateSync') });
    const handle: TaskHandle = { version: 1, provider: 'fake', model: 'glm-image', taskId: 't', mode: 'async', submittedAt: new Date().toISOString(), size: { width: 1280, height: 1280 }, quality: 'hd', n: 1 };
    await expect(provider.status(handle)).rejects.toMatchObject({ message: expect.stringContaining('implements no readStatus') });
  });
});

describe('helpers', () => {
  it('guesses media types and estimates cost', () => {
    expect(guessMediaType('data:image/png;base64,AA')).toBe('image/png');
    expect(guessMediaType('https://x/y.JPG?sig=1')).toBe('image/jpeg');
    expect(guessMediaType('https://x/y')).toBeUndefined();
    expect(estimateCost(models['glm-image'], 3)).toBe(0.045);
    expect(estimateCost({ ...models['glm-image'], pricePerImageUsd: undefined }, 3)).toBeUndefined();
    // A lookup that found nothing (client.models['zai:glm-image'] on a keyless client) is a typed error.
    expect(() => estimateCost(undefined, 1)).toThrow(expect.objectContaining({ kind: 'invalid_request', message: expect.stringContaining('client.models') }));
    expect(() => estimateCost(models['glm-image'], -1)).toThrow(expect.objectContaining({ kind: 'invalid_request' }));
  });
});
