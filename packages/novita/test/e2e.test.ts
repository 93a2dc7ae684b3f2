/** Novita over real HTTP against the emulator (127.0.0.1), with faults. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PictorError, download } from '@pictor/core';
import { startEmulator, type Emulator } from '@pictor/testing';
import { createNovita } from '../src/index.ts';

let emulator: Emulator;
beforeAll(async () => {
  // The eta test's task runs 1 s; the others 300 ms.
  emulator = await startEmulator({ durations: (_provider, prompt) => (prompt === 'eta' ? 1000 : 300), imageSize: { width: 8, height: 8 } });
});
afterEach(() => {
  emulator.setFaults([]);
  emulator.reset();
});
afterAll(async () => emulator.close());

const fast = { retry: { submit: { minDelayMs: 1, maxDelayMs: 5 }, status: { minDelayMs: 1, maxDelayMs: 5 } } };
const novita = () => createNovita({ apiKey: 'e2e-key-0000000000', baseURL: emulator.novitaBaseURL });

describe('novita end to end', () => {
  it('follows the eta: a 1 s task is read twice although the interval says every 10 ms', async () => {
    // Without the eta, a 10 ms interval reads a 1-s task dozens of times; with it, the read after the
    // first is timed to the eta (+ margin), when the task is done. Sleeps are lower bounds, so a
    // loaded machine can only make the eta-following reads fewer, never more.
    const poll = { firstDelayMs: 50, intervalMs: 10, minIntervalMs: 10, maxIntervalMs: 10, maxEtaWaitMs: 5000, jitter: 0 };
    const result = await novita().generate({ model: 'glm-image', prompt: 'eta' }, { ...fast, poll });
    expect((await download(result.images[0]!)).mediaType).toBe('image/png');
    expect(result.timings.statusRequests).toBeLessThanOrEqual(3);
    expect(emulator.counters['novita.status']).toBe(result.timings.statusRequests);
    expect(Date.parse(result.images[0]!.expiresAt!)).toBeGreaterThan(Date.now() + 3000_000);
  });

  it('retries RATE_LIMIT_EXCEEDED and 503 submits, never a 504', async () => {
    emulator.setFaults([
      { endpoint: 'submit', type: 'http', status: 429, code: 'RATE_LIMIT_EXCEEDED', prompt: 'limited' },
      { endpoint: 'submit', type: 'http', status: 503, prompt: 'limited' },
      { endpoint: 'submit', type: 'http', status: 504, prompt: 'gateway' },
    ]);
    const result = await novita().generate({ model: 'glm-image', prompt: 'limited' }, { ...fast, poll: { firstDelayMs: 10 } });
    expect(result.timings.attempts).toBe(3);
    const error = (await novita().generate({ model: 'glm-image', prompt: 'gateway' }, fast).catch((e) => e)) as PictorError;
    expect(error).toMatchObject({ kind: 'provider_unavailable', status: 504, submitOutcome: 'unknown' });
    expect(emulator.submitsByPrompt.get('gateway')).toBe(1);
  });

  it('maps a failed task to task_failed with the reason', async () => {
    emulator.setFaults([{ endpoint: 'submit', type: 'task_failed', code: 'out of capacity' }]);
    const error = (await novita().generate({ model: 'glm-image', prompt: 'x' }, { ...fast, poll: { firstDelayMs: 10 } }).catch((e) => e)) as PictorError;
    expect(error).toMatchObject({ kind: 'task_failed', message: expect.stringContaining('out of capacity') });
  });
});
