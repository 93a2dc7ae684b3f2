/** Z.AI over real HTTP against the emulator (127.0.0.1), with transport and protocol faults. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PictorError, collectEvents, download } from '@pictor/core';
import { startEmulator, type Emulator } from '@pictor/testing';
import { createZai } from '../src/index.ts';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ durations: 30, imageSize: { width: 8, height: 8 } });
});
afterEach(() => {
  emulator.setFaults([]);
  emulator.reset();
});
afterAll(async () => emulator.close());

const fast = { poll: { firstDelayMs: 5, intervalMs: 10, minIntervalMs: 5 }, retry: { submit: { minDelayMs: 1, maxDelayMs: 5 }, status: { minDelayMs: 1, maxDelayMs: 5 } } };
const zai = (timeoutMs?: number) => createZai({ apiKey: 'e2e-key-0000000000', baseURL: emulator.zaiBaseURL, timeoutMs });

describe('zai end to end', () => {
  it('sync and async generations return downloadable PNGs', async () => {
    const sync = await zai().generate({ model: 'cogview-4-250304', prompt: 'sync' }, fast);
    const async = await zai().generate({ model: 'glm-image', prompt: 'async' }, fast);
    for (const result of [sync, async]) {
      const image = await download(result.images[0]!);
      expect(image.mediaType).toBe('image/png');
    }
    expect(async.taskId).toMatch(/^\d{19}$/);
    expect(emulator.counters['zai.sync']).toBe(1);
    expect(emulator.counters['zai.submit']).toBe(1);
  });

  it('retries a 503 submit (nothing was created) and a 1302 with Retry-After', async () => {
    emulator.setFaults([
      { endpoint: 'submit', type: 'http', status: 503, code: '1234' },
      { endpoint: 'submit', type: 'http', status: 429, code: '1302', retryAfterSeconds: 1 },
    ]);
    const { events, listener } = collectEvents();
    // When each submit left: the one after the 1302 must not leave before its Retry-After (1 s) is over.
    // A lower bound on a real wait cannot flake: a sleep never ends early, however loaded the machine.
    const sentAt: number[] = [];
    const timed: typeof fetch = (input, init) => {
      if ((init?.method ?? (input as Request).method) === 'POST') sentAt.push(performance.now());
      return fetch(input, init);
    };
    const provider = createZai({ apiKey: 'e2e-key-0000000000', baseURL: emulator.zaiBaseURL, fetch: timed });
    const result = await provider.generate({ model: 'glm-image', prompt: 'retried' }, { ...fast, onEvent: listener });
    expect(result.timings.attempts).toBe(3);
    const delays = events.filter((e) => e.type === 'retry').map((e) => (e as { delayMs: number }).delayMs);
    expect(delays[1]).toBeGreaterThanOrEqual(1000);
    expect(sentAt).toHaveLength(3);
    expect(sentAt[2]! - sentAt[1]!).toBeGreaterThanOrEqual(990);
    expect(emulator.tasks.size).toBe(1);
  });

  it('never re-sends a submit whose connection dropped after sending (the task may exist)', async () => {
    emulator.setFaults([{ endpoint: 'submit', type: 'reset', afterAccept: true }]);
    const error = (await zai().generate({ model: 'glm-image', prompt: 'dropped' }, fast).catch((e) => e)) as PictorError;
    expect(error).toMatchObject({ kind: 'network', submitOutcome: 'unknown' });
    expect(error.message).toContain('outcome is unknown');
    expect(emulator.submitsByPrompt.get('dropped')).toBe(1);
    expect(emulator.tasks.size).toBe(1);
  });

  it('retries a malformed or failing status read without resubmitting', async () => {
    emulator.setFaults([
      { endpoint: 'status', type: 'malformed' },
      { endpoint: 'status', type: 'http', status: 502 },
      { endpoint: 'status', type: 'reset' },
    ]);
    const result = await zai().generate({ model: 'glm-image', prompt: 'flaky reads' }, fast);
    expect(result.images).toHaveLength(1);
    expect(emulator.submitsByPrompt.get('flaky reads')).toBe(1);
  });

  it('times out a slow sync call per attempt, with an unknown outcome and no second call', async () => {
    emulator.setFaults([{ endpoint: 'sync', type: 'slow', delayMs: 2000 }]);
    const error = (await zai(100).generate({ model: 'cogview-4-250304', prompt: 'slow' }, fast).catch((e) => e)) as PictorError;
    expect(error).toMatchObject({ kind: 'timeout', submitOutcome: 'unknown' });
    expect(emulator.submitsByPrompt.get('slow')).toBe(1);
  });

  it('reports a failed task and a task that never finishes, with resumable handles', async () => {
    emulator.setFaults([{ endpoint: 'submit', type: 'task_failed', code: 'model error', prompt: 'fails' }, { endpoint: 'submit', type: 'never_finish', prompt: 'forever' }]);
    const failed = (await zai().generate({ model: 'glm-image', prompt: 'fails' }, fast).catch((e) => e)) as PictorError;
    expect(failed).toMatchObject({ kind: 'task_failed', message: expect.stringContaining('model error') });
    const stuck = (await zai().generate({ model: 'glm-image', prompt: 'forever' }, { ...fast, poll: { ...fast.poll, timeoutMs: 150 } }).catch((e) => e)) as PictorError;
    expect(stuck.kind).toBe('timeout');
    await expect(zai().status(stuck.handle!)).resolves.toMatchObject({ state: 'running' });
  });
});
