/**
 * Status and retry events say how long their request took (`durationMs`): tracers build each
 * read's span from it. Measured on a fake clock, where each adapter call takes a known time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PictorError, collectEvents, type PictorEvent } from '../src/index.ts';
import { createProvider, sleep, type ProviderAdapter } from '../src/adapter-api.ts';
import { asyncOnlySpec } from './model-spec.ts';

afterEach(() => void vi.useRealTimers());

const spec = asyncOnlySpec();

function slowAdapter(): ProviderAdapter {
  let reads = 0;
  return {
    id: 'slow',
    models: { 'glm-image': spec },
    submitAsync: async () => ({ taskId: 't-1', raw: {} }),
    readStatus: async () => {
      reads++;
      await sleep(reads === 1 ? 70 : 30);
      if (reads === 1) throw new PictorError({ kind: 'network', retryable: true, message: 'connection reset' });
      return reads === 2 ? { state: 'running', raw: {} } : { state: 'succeeded', output: { images: [{ url: 'https://img.test/a.png' }], raw: {} }, raw: {} };
    },
  };
}

describe('event durations', () => {
  it('gives a retry the failed attempt’s duration and a status read its own, retries included', async () => {
    vi.useFakeTimers();
    const { events, listener } = collectEvents();
    const provider = createProvider(slowAdapter(), { poll: { firstDelayMs: 0, intervalMs: 10, minIntervalMs: 10, jitter: 0 } });
    const done = provider.generate({ prompt: 'x', model: 'glm-image' }, { onEvent: listener, retry: { status: { minDelayMs: 5, maxDelayMs: 5 } } });
    await vi.runAllTimersAsync();
    await done;

    const retry = events.find((e): e is Extract<PictorEvent, { type: 'retry' }> => e.type === 'retry');
    expect(retry).toMatchObject({ stage: 'status', attempt: 1, durationMs: 70 });
    const statuses = events.filter((e): e is Extract<PictorEvent, { type: 'status' }> => e.type === 'status');
    // First read: 70 ms failed attempt + the retry's delay (p-retry randomises it up to 5 ms) + 30 ms.
    expect(statuses[0]?.durationMs).toBeGreaterThanOrEqual(100);
    expect(statuses[0]?.durationMs).toBeLessThanOrEqual(110);
    expect(statuses[1]?.durationMs).toBe(30);
  });
});
