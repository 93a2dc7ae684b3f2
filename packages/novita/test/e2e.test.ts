/** Novita over real HTTP against the emulator (127.0.0.1), with faults. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PictorError, download } from '@pictor/core';
import { startEmulator, type Emulator } from '@pictor/testing';
import { createNovita } from '../src/index.ts';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ durations: 300, imageSize: { width: 8, height: 8 } });
});
afterEach(() => {
  emulator.setFaults([]);
  emulator.reset();
});
afterAll(async () => emulator.close());

const fast = { retry: { submit: { minDelayMs: 1, maxDelayMs: 5 }, status: { minDelayMs: 1, maxDelayMs: 5 } } };
const novita = () => createNovita({ apiKey: 'e2e-key-0000000000', baseURL: emulator.novitaBaseURL });

describe('novita end to end', () => {
  it('follows the eta: few status reads for a 300 ms task', async () => {
    const result = await novita().generate({ model: 'glm-image', prompt: 'eta' }, { ...fast, poll: { firstDelayMs: 50 } });
    expect((await download(result.images[0]!)).mediaType).toBe('image/png');
    expect(result.timings.statusRequests).toBeLessThanOrEqual(3);
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
