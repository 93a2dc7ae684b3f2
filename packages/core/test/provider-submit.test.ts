/**
 * The submit's first attempt runs without withRetry (provider-submit.ts): these pin that a failure
 * of that attempt is still retried exactly when withRetry would retry it, never when the outcome is
 * unknown, and that every attempt sees the same prepared request (how adapters reuse a request id).
 */
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { PictorError, collectEvents } from '../src/index.ts';
import { GLM_MODEL_RULES, createProvider, type AdapterAccepted, type AdapterOutput, type PreparedRequest, type ProviderAdapter } from '../src/adapter-api.ts';
import { testSpec } from './model-spec.ts';

const models = { 'cogview-4-250304': testSpec({ ...GLM_MODEL_RULES['cogview-4-250304'], id: 'cogview-4-250304' }), 'glm-image': testSpec({ id: 'glm-image' }) };
const output: AdapterOutput = { images: [{ url: 'https://img.test/a.png' }], requestId: 'req-1', raw: {} };
const accepted: AdapterAccepted = { taskId: 'task-1', requestId: 'req-1', raw: {} };
const notCreated = () => new PictorError({ kind: 'rate_limited', provider: 'fake', message: 'slow down', retryable: true, submitOutcome: 'not_created' });
const unknownOutcome = () => new PictorError({ kind: 'network', provider: 'fake', message: 'connection reset', retryable: true, submitOutcome: 'unknown' });
const fastRetry = { retry: { submit: { minDelayMs: 1, maxDelayMs: 1 } } };

/** An adapter whose sync and async submits fail with `failures` in turn, then succeed; it records every attempt. */
function failingAdapter(failures: (() => unknown)[], { throwSync = false } = {}) {
  const calls: { prepared: PreparedRequest<unknown>; attempt: number }[] = [];
  const attempt = <T>(value: T) =>
    vi.fn((prepared: PreparedRequest<unknown>, context: { attempt: number }): Promise<T> => {
      calls.push({ prepared, attempt: context.attempt });
      const failure = failures[calls.length - 1];
      if (!failure) return Promise.resolve(value);
      if (throwSync) throw failure();
      return Promise.reject(failure());
    });
  const adapter: ProviderAdapter<Record<string, never>> = {
    id: 'fake',
    models,
    providerOptionsSchema: z.object({}).strict(),
    generateSync: attempt(output),
    submitAsync: attempt(accepted),
    readStatus: async () => ({ state: 'running', raw: {} }),
  };
  return { adapter, calls };
}

describe('submit: a first attempt without withRetry', () => {
  it('retries a sync first attempt that failed with nothing created, with the same prepared request, and counts both attempts', async () => {
    const { adapter, calls } = failingAdapter([notCreated]);
    const result = await createProvider(adapter).generate({ model: 'cogview-4-250304', prompt: 'a' }, fastRetry);
    expect(calls.map((c) => c.attempt)).toEqual([1, 2]);
    expect(calls[1]!.prepared).toBe(calls[0]!.prepared);
    expect(result.timings.attempts).toBe(2);
  });

  it('retries an async first attempt that threw synchronously with nothing created', async () => {
    const { adapter, calls } = failingAdapter([notCreated, notCreated], { throwSync: true });
    const handle = await createProvider(adapter).submit({ model: 'glm-image', prompt: 'a', mode: 'async' }, fastRetry);
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(handle.taskId).toBe('task-1');
  });

  it('never retries a first attempt whose outcome is unknown (it may have charged), sync or async', async () => {
    for (const mode of ['sync', 'async'] as const) {
      const { adapter, calls } = failingAdapter([unknownOutcome]);
      const error = await createProvider(adapter)
        .submit({ model: 'glm-image', prompt: 'a', mode }, fastRetry)
        .catch((e: unknown) => e as PictorError);
      expect(calls).toHaveLength(1);
      expect(error).toMatchObject({ kind: 'network', submitOutcome: 'unknown', message: expect.stringContaining('outcome is unknown') });
    }
  });

  it('gives up after the policy retries, with every attempt in the error', async () => {
    const { adapter, calls } = failingAdapter([notCreated, notCreated, notCreated]);
    const error = await createProvider(adapter)
      .generate({ model: 'cogview-4-250304', prompt: 'a' }, { retry: { submit: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } } })
      .catch((e: unknown) => e as PictorError);
    expect(calls).toHaveLength(2);
    expect(error).toMatchObject({ kind: 'rate_limited', attempts: [{ kind: 'rate_limited' }, { kind: 'rate_limited' }] });
  });

  // An abort during the first attempt is never retried; whether the task may exist decides what the error says.
  it.each([
    { attempt: 'may have reached the provider', failure: unknownOutcome, unknown: true },
    { attempt: 'provably created nothing', failure: notCreated, unknown: false },
  ])('reports an abort during a submit that $attempt as aborted, not retried', async ({ failure, unknown }) => {
    const controller = new AbortController();
    const { adapter, calls } = failingAdapter([
      () => {
        controller.abort();
        return failure();
      },
    ]);
    const error = (await createProvider(adapter)
      .generate({ model: 'cogview-4-250304', prompt: 'a' }, { ...fastRetry, signal: controller.signal })
      .catch((e: unknown) => e)) as PictorError;
    expect(calls).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'aborted' });
    // The caller is told the outcome is unknown exactly when the submit may have been charged.
    if (unknown) expect(error).toMatchObject({ submitOutcome: 'unknown', message: expect.stringContaining('outcome is unknown') });
    else expect(error.submitOutcome).not.toBe('unknown');
  });

  it('with a listener, emits the retry event for the failed first attempt', async () => {
    const { adapter, calls } = failingAdapter([notCreated]);
    const { events, listener } = collectEvents();
    await createProvider(adapter).generate({ model: 'cogview-4-250304', prompt: 'a' }, { ...fastRetry, onEvent: listener });
    expect(calls).toHaveLength(2);
    expect(events.map((e) => e.type)).toEqual(['retry', 'submitted', 'completed']);
    expect(events[0]).toMatchObject({ type: 'retry', stage: 'submit', attempt: 1, error: { kind: 'rate_limited' } });
  });
});
