import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@pictor/testing';
import { collectEvents, createImageClient } from '../src/index.ts';

const fast = { poll: { firstDelayMs: 0, intervalMs: 5, minIntervalMs: 5, maxEtaWaitMs: 5 }, retry: { submit: { minDelayMs: 1, maxDelayMs: 1, retries: 0 } } };
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ durations: 30, maxConcurrentTasks: 4, imageSize: { width: 8, height: 8 } });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const clientWith = (limits: Record<string, { concurrency?: number; rps?: number }>) =>
  createImageClient({ model: 'zai:glm-image', providers: { zai: { apiKey: 'k', baseURL: emulator.zaiBaseURL } }, limits });

describe('client limits against a provider that answers 1302 beyond 4 running tasks', () => {
  it('a burst of 50 generations with concurrency 4 finishes with zero 1302s', async () => {
    const client = clientWith({ zai: { concurrency: 4 } });
    const { events, listener } = collectEvents();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => client.generate({ prompt: `burst ${i}` }, { ...fast, onEvent: listener })));
    expect(results).toHaveLength(50);
    expect(results.every((r) => r.images.length === 1)).toBe(true);
    expect(emulator.concurrency.refused).toBe(0);
    expect(emulator.concurrency.maxObserved).toBeLessThanOrEqual(4);
    expect(emulator.counters['zai.submit']).toBe(50);
    expect(events.some((e) => e.type === 'limited' && e.key === 'zai' && e.reason === 'concurrency')).toBe(true);
  });

  it('a model limit holds too', async () => {
    const client = clientWith({ 'zai:glm-image': { concurrency: 2 } });
    await Promise.all(Array.from({ length: 12 }, (_, i) => client.generate({ prompt: `model ${i}` }, fast)));
    expect(emulator.concurrency.refused).toBe(0);
    expect(emulator.concurrency.maxObserved).toBeLessThanOrEqual(2);
  });

  it('without limits the same burst is refused with 1302 (rate_limited)', async () => {
    const client = clientWith({});
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => client.generate({ prompt: `unlimited ${i}` }, fast)));
    expect(emulator.concurrency.refused).toBeGreaterThan(0);
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    const error = (rejected[0] as PromiseRejectedResult).reason;
    expect(error).toMatchObject({ kind: 'rate_limited' });
    expect([error, ...error.attempts].some((e: { providerCode?: string }) => e.providerCode === '1302')).toBe(true);
  });

  it('rejects limits naming an unknown provider', () => {
    expect(() => clientWith({ dalle: { concurrency: 1 } })).toThrow(/Unknown provider "dalle" in providers or limits/);
  });
});
