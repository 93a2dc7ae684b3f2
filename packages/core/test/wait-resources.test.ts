/**
 * Many waits at once leave nothing behind: after 1,000 concurrent tasks end (done, aborted or past
 * their deadline), no timer is pending and no abort listener is left on their shared signal. And a
 * status read that fails at first try (no listener: the fast path) still gets the status stage's
 * retries, its error still carries the handle; the poll engine turns every failure (a throwing read,
 * setting or callback) into its caller's rejection. Driven by fake timers, no real time.
 */
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PictorError, type TaskStatus } from '../src/index.ts';
import { pollUntilDone, startPolling } from '../src/poll.ts';
import { createProvider, type AdapterStatus, type ProviderAdapter } from '../src/adapter-api.ts';
import { asyncOnlySpec } from './model-spec.ts';

afterEach(() => void vi.useRealTimers());

const TASKS = 1000;

const spec = asyncOnlySpec();

const running: AdapterStatus = { state: 'running', raw: {} };
const succeeded: AdapterStatus = { state: 'succeeded', output: { images: [{ url: 'https://img.test/a.png' }], raw: {} }, raw: {} };

/** Every task is read `runningReads` times as running, then succeeds (Infinity: never). */
function adapter(runningReads: number, readStatus?: ProviderAdapter['readStatus']): ProviderAdapter & { reads: Map<string, number> } {
  const reads = new Map<string, number>();
  let next = 0;
  return {
    id: 'many',
    models: { 'glm-image': spec },
    reads,
    submitAsync: async () => ({ taskId: `task-${next++}`, raw: {} }),
    readStatus:
      readStatus ??
      (async (handle) => {
        const n = (reads.get(handle.taskId) ?? 0) + 1;
        reads.set(handle.taskId, n);
        return n > runningReads ? succeeded : running;
      }),
  };
}

const poll = { intervalMs: 100, firstDelayMs: 100, factor: 1, minIntervalMs: 10 };

function leftovers(signal: AbortSignal) {
  return { timers: vi.getTimerCount(), abortListeners: getEventListeners(signal, 'abort').length };
}

describe('1,000 concurrent waits', () => {
  it('all complete and leave no timer or abort listener behind', async () => {
    vi.useFakeTimers();
    const provider = createProvider(adapter(3));
    const controller = new AbortController();
    const calls = Array.from({ length: TASKS }, (_, i) => provider.generate({ prompt: `p${i}` }, { poll, signal: controller.signal }));
    await vi.runAllTimersAsync();
    const results = await Promise.all(calls);

    expect(results.map((r) => r.timings.statusRequests)).toEqual(Array(TASKS).fill(4));
    expect(leftovers(controller.signal)).toEqual({ timers: 0, abortListeners: 0 });
  });

  it('an abort while they sleep ends every one at once, with its handle, and leaves nothing behind', async () => {
    vi.useFakeTimers();
    const provider = createProvider(adapter(Infinity));
    const controller = new AbortController();
    const calls = Array.from({ length: TASKS }, (_, i) =>
      provider.generate({ prompt: `p${i}` }, { poll, signal: controller.signal }).catch((error: unknown) => error),
    );
    await vi.advanceTimersByTimeAsync(250); // every task has read twice and sleeps
    expect(getEventListeners(controller.signal, 'abort').length).toBe(TASKS);
    controller.abort();
    const errors = (await Promise.all(calls)) as PictorError[];

    expect(new Set(errors.map((e) => e.kind))).toEqual(new Set(['aborted']));
    expect(new Set(errors.map((e) => e.handle?.taskId)).size).toBe(TASKS);
    expect(leftovers(controller.signal)).toEqual({ timers: 0, abortListeners: 0 });
  });

  it('past the deadline each ends in a timeout with its handle, and leaves nothing behind', async () => {
    vi.useFakeTimers();
    const provider = createProvider(adapter(Infinity));
    const controller = new AbortController();
    const calls = Array.from({ length: TASKS }, (_, i) =>
      provider.generate({ prompt: `p${i}` }, { poll: { ...poll, timeoutMs: 1000 }, signal: controller.signal }).catch((error: unknown) => error),
    );
    await vi.advanceTimersByTimeAsync(1500); // 10 reads each: more timers than runAllTimersAsync allows
    const errors = (await Promise.all(calls)) as PictorError[];

    expect(new Set(errors.map((e) => e.kind))).toEqual(new Set(['timeout']));
    expect(errors.every((e) => e.handle !== undefined && e.message.includes('did not finish within 1000 ms'))).toBe(true);
    expect(leftovers(controller.signal)).toEqual({ timers: 0, abortListeners: 0 });
  });
});

describe('a status read that fails at first try (no listener)', () => {
  const retry = { status: { retries: 2, minDelayMs: 1, maxDelayMs: 1 } };

  it('is retried by the status policy, whether the adapter rejects or throws', async () => {
    vi.useFakeTimers();
    for (const fail of [
      () => Promise.reject(new PictorError({ kind: 'network', retryable: true, message: 'reset' })),
      () => {
        throw new PictorError({ kind: 'provider_unavailable', retryable: true, message: 'thrown' });
      },
    ]) {
      let calls = 0;
      const provider = createProvider(adapter(0, async (handle, context) => (++calls === 1 ? fail() : ((await adapter(0).readStatus?.(handle, context)) as AdapterStatus))));
      const done = provider.generate({ prompt: 'p' }, { poll, retry });
      await vi.runAllTimersAsync();
      const result = await done;
      expect(result.images).toHaveLength(1);
      expect(calls).toBe(2);
    }
  });

  it('ends the wait with the handle when it is not retryable, after one attempt', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const provider = createProvider(
      adapter(0, async () => {
        calls++;
        throw new PictorError({ kind: 'authentication', retryable: false, message: 'bad key' });
      }),
    );
    const done = provider.generate({ prompt: 'p' }, { poll, retry }).catch((error: unknown) => error as PictorError);
    await vi.runAllTimersAsync();
    const error = await done;
    expect(error).toMatchObject({ kind: 'authentication', handle: { taskId: 'task-0' } });
    expect(calls).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('the poll engine reports every failure to its caller', () => {
  const deadline = (reads: number, ms: number) => new PictorError({ kind: 'timeout', message: `deadline after ${reads} reads (${ms})` });

  it('a read that throws synchronously rejects the poll with that error, leaving no timer', async () => {
    vi.useFakeTimers();
    const thrown = new Error('sync');
    const done = pollUntilDone({
      read: () => {
        throw thrown;
      },
      typicalDurationMs: 100,
      onDeadline: deadline,
    }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(200);
    expect(await done).toBe(thrown);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a bad setting or a throwing callback rejects instead of throwing out of the engine', async () => {
    vi.useFakeTimers();
    const broken = new Error('random');
    const read = async (): Promise<TaskStatus> => ({ state: 'running' });
    await expect(pollUntilDone({ read, typicalDurationMs: 100, onDeadline: deadline, random: () => { throw broken; } })).rejects.toBe(broken);
    const onDeadline = () => {
      throw new Error('onDeadline');
    };
    await expect(pollUntilDone({ read, typicalDurationMs: 100, options: { timeoutMs: 0 }, onDeadline })).rejects.toThrow('onDeadline');
    // A signal aborted before the first sleep: no read, no timer, no listener.
    const controller = new AbortController();
    controller.abort();
    const calls: string[] = [];
    const sink = { done: () => void calls.push('done'), fail: (error: unknown) => void calls.push((error as PictorError).kind) };
    startPolling({ read, typicalDurationMs: 100, onDeadline: deadline, signal: controller.signal }, sink);
    expect(calls).toEqual(['aborted']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a sink hears done once with the final status, or fail when done throws', async () => {
    vi.useFakeTimers();
    const read = async (): Promise<TaskStatus> => ({ state: 'succeeded' });
    const heard: string[] = [];
    startPolling({ read, typicalDurationMs: 100, onDeadline: deadline }, { done: (o) => void heard.push(`done ${o.reads}`), fail: () => void heard.push('fail') });
    startPolling(
      { read, typicalDurationMs: 100, onDeadline: deadline },
      {
        done: () => {
          throw new Error('sink');
        },
        fail: (error) => void heard.push(`fail ${(error as Error).message}`),
      },
    );
    await vi.runAllTimersAsync();
    expect(heard.sort()).toEqual(['done 1', 'fail sink']);
  });
});
