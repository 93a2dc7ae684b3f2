import { afterEach, describe, expect, it, vi } from 'vitest';
import { Limiter } from '../src/limits.ts';
import { PictorError, collectEvents, type ImageProvider, type TaskHandle } from '../src/index.ts';
import { limitProvider } from '../src/limited-provider.ts';

afterEach(() => void vi.useRealTimers());

/** Resolves once every queued microtask and promise continuation has run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Limiter', () => {
  it('admits up to `concurrency` and serves waiters first come, first served', async () => {
    const limiter = new Limiter({ zai: { concurrency: 2 } });
    const order: number[] = [];
    const releases = await Promise.all([limiter.acquire('zai', 'glm-image'), limiter.acquire('zai', 'cogview')]);
    const waiting = [3, 4, 5].map((n) =>
      limiter.acquire('zai', 'glm-image').then((release) => {
        order.push(n);
        return release;
      }),
    );
    await settle();
    expect(order).toEqual([]);
    expect(limiter.snapshot()).toEqual({ zai: { inFlight: 2, waiting: 3 } });
    releases[0]!();
    releases[0]!(); // a second release is harmless
    await settle();
    expect(order).toEqual([3]);
    releases[1]!();
    const third = (await waiting[1])!;
    third();
    await Promise.all(waiting);
    expect(order).toEqual([3, 4, 5]);
    expect(limiter.snapshot().zai).toEqual({ inFlight: 2, waiting: 0 });
  });

  it('applies a model limit and its provider limit together', async () => {
    const limiter = new Limiter({ zai: { concurrency: 3 }, 'zai:glm-image': { concurrency: 1 } });
    await limiter.acquire('zai', 'glm-image');
    const other = await limiter.acquire('zai', 'cogview');
    let second = false;
    void limiter.acquire('zai', 'glm-image').then(() => (second = true));
    await settle();
    expect(second).toBe(false);
    expect(limiter.snapshot()).toEqual({ zai: { inFlight: 2, waiting: 0 }, 'zai:glm-image': { inFlight: 1, waiting: 1 } });
    other();
    expect(limiter.applies('zai')).toBe(true);
    expect(limiter.applies('novita')).toBe(false);
  });

  it('lets an aborted waiter leave the queue with an aborted error', async () => {
    const limiter = new Limiter({ mock: { concurrency: 1 } });
    const first = await limiter.acquire('mock', undefined);
    const controller = new AbortController();
    const { events, listener } = collectEvents();
    const abandoned = limiter.acquire('mock', undefined, { signal: controller.signal, onEvent: listener });
    const next = limiter.acquire('mock', undefined);
    await settle();
    controller.abort();
    await expect(abandoned).rejects.toMatchObject({ kind: 'aborted' });
    expect(limiter.snapshot().mock).toEqual({ inFlight: 1, waiting: 1 });
    expect(events).toMatchObject([{ type: 'limited', key: 'mock', reason: 'concurrency', position: 1 }]);
    first();
    (await next)();
    expect(limiter.snapshot().mock).toEqual({ inFlight: 0, waiting: 0 });
    await expect(limiter.acquire('mock', undefined, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(PictorError);
  });

  it('spaces submits to `rps`, reporting the wait', async () => {
    vi.useFakeTimers({ now: 0 });
    const limiter = new Limiter({ novita: { rps: 4 } });
    const { events, listener } = collectEvents();
    const started: number[] = [];
    const all = [1, 2, 3].map(() => limiter.acquire('novita', 'glm-image', { onEvent: listener }).then((release) => (started.push(Date.now()), release())));
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(all);
    expect(started).toEqual([0, 250, 500]);
    expect(events.map((e) => e.type === 'limited' && [e.reason, e.delayMs])).toEqual([
      ['rps', 250],
      ['rps', 500],
    ]);
  });

  it('counts a resumed task without queueing it, and holds new ones back meanwhile', async () => {
    const limiter = new Limiter({ zai: { concurrency: 1 } });
    const release = limiter.occupy('zai', 'glm-image');
    let admitted = false;
    void limiter.acquire('zai', 'glm-image').then(() => (admitted = true));
    await settle();
    expect(admitted).toBe(false);
    release();
    await settle();
    expect(admitted).toBe(true);
  });

  it('rejects a bad limits config, naming the field', () => {
    expect(() => new Limiter({ zai: { concurrency: 0 } })).toThrow(/zai\.concurrency/);
    expect(() => new Limiter({ 'zai:glm:x': { rps: 1 } })).toThrow(/invalid key "zai:glm:x": keys must be "provider" or "provider:model"/);
    expect(() => new Limiter({ zai: { burst: 1 } as never })).toThrow(/Unrecognized key/);
  });
});

describe('limitProvider', () => {
  /** A provider whose tasks end when the test says so. */
  function scripted() {
    const finish = new Map<string, () => void>();
    let next = 0;
    const handleFor = (taskId: string): TaskHandle => ({ version: 1, provider: 'p', model: 'm', taskId, mode: 'async', submittedAt: new Date(0).toISOString(), size: { width: 1, height: 1 }, quality: 'standard', n: 1 });
    const provider: ImageProvider = {
      id: 'p',
      models: { m: {} as never },
      generate: async () => ({}) as never,
      submit: async () => handleFor(String(++next)),
      status: async (handle) => ({ state: finish.has(handle.taskId) ? 'running' : 'succeeded' }),
      wait: (handle) => new Promise((resolve) => finish.set(handle.taskId, () => resolve({} as never))),
    };
    return { provider, finish, handleFor };
  }

  it('holds a submitted task\'s slot until its wait ends', async () => {
    const { provider, finish } = scripted();
    const limiter = new Limiter({ p: { concurrency: 1 } });
    const limited = limitProvider(provider, limiter);
    const handle = await limited.submit({ prompt: 'a' });
    expect(limiter.snapshot().p).toEqual({ inFlight: 1, waiting: 0 });
    const waiting = limited.wait(handle);
    await settle();
    expect(limiter.snapshot().p?.inFlight).toBe(1); // not counted twice
    let second = false;
    const next = limited.submit({ prompt: 'b' }).then((h) => ((second = true), h));
    await settle();
    expect(second).toBe(false);
    finish.get(handle.taskId)!();
    await waiting;
    const other = await next;
    expect(second).toBe(true);
    // a status read that sees the task end frees its slot as well
    await expect(limited.status(other)).resolves.toEqual({ state: 'succeeded' });
    expect(limiter.snapshot().p?.inFlight).toBe(0);
  });

  it('counts a handle resumed from elsewhere while it is waited for', async () => {
    const { provider, finish, handleFor } = scripted();
    const limiter = new Limiter({ p: { concurrency: 1 } });
    const limited = limitProvider(provider, limiter);
    const waiting = limited.wait(handleFor('elsewhere'));
    await settle();
    expect(limiter.snapshot().p?.inFlight).toBe(1);
    finish.get('elsewhere')!();
    await waiting;
    expect(limiter.snapshot().p?.inFlight).toBe(0);
  });

  describe('a submitted task nobody waits for (releaseUnwaitedAfterMs)', () => {
    /** Submits with concurrency 1; returns whether a second submit got through yet. */
    async function oneSlotTaken(limit: Record<string, unknown> = {}) {
      vi.useFakeTimers();
      const kit = scripted();
      const limiter = new Limiter({ p: { concurrency: 1, ...limit } });
      const limited = limitProvider(kit.provider, limiter);
      const handle = await limited.submit({ prompt: 'saved for later' });
      let admitted = false;
      const next = limited.submit({ prompt: 'next' }).then((h) => ((admitted = true), h));
      const inFlight = () => limiter.snapshot().p?.inFlight;
      return { ...kit, limiter, limited, handle, next, admitted: () => admitted, inFlight };
    }

    it('frees its slot after the default 10 minutes, so later calls do not wait forever', async () => {
      const { admitted, next } = await oneSlotTaken();
      await vi.advanceTimersByTimeAsync(600_000 - 1);
      expect(admitted()).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(admitted()).toBe(true);
      await next;
    });

    it('uses the configured time, the shorter of a model and a provider key', async () => {
      vi.useFakeTimers();
      const { provider } = scripted();
      const limiter = new Limiter({ p: { concurrency: 1, releaseUnwaitedAfterMs: 5_000 }, 'p:m': { releaseUnwaitedAfterMs: 2_000 } });
      expect(limiter.releaseUnwaitedAfterMs('p', 'm')).toBe(2_000);
      expect(limiter.releaseUnwaitedAfterMs('p', 'other')).toBe(5_000);
      // Longer than the default is kept; a model no key names gets the default, not Infinity.
      expect(new Limiter({ p: { releaseUnwaitedAfterMs: 3_600_000 } }).releaseUnwaitedAfterMs('p', 'm')).toBe(3_600_000);
      expect(new Limiter({ 'p:m': { concurrency: 1 } }).releaseUnwaitedAfterMs('p', 'other')).toBe(600_000);
      // A model key that does not set it leaves the provider key's time alone (not the default).
      const both = new Limiter({ p: { releaseUnwaitedAfterMs: 3_600_000 }, 'p:m': { concurrency: 2 } });
      expect(both.releaseUnwaitedAfterMs('p', 'm')).toBe(3_600_000);
      expect(new Limiter({ p: { concurrency: 1 }, 'p:m': { concurrency: 2 } }).releaseUnwaitedAfterMs('p', 'm')).toBe(600_000);
      const limited = limitProvider(provider, limiter);
      await limited.submit({ model: 'm', prompt: 'a' });
      await vi.advanceTimersByTimeAsync(1_999);
      expect(limiter.snapshot().p?.inFlight).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(limiter.snapshot().p?.inFlight).toBe(0);
    });

    it('a waited task holds its slot until it ends, however long that takes', async () => {
      const { limited, handle, finish, admitted, next, inFlight } = await oneSlotTaken({ releaseUnwaitedAfterMs: 1_000 });
      await vi.advanceTimersByTimeAsync(999);
      const waiting = limited.wait(handle);
      await vi.advanceTimersByTimeAsync(60_000);
      // A status read during the wait does not restart a countdown either.
      await limited.status(handle);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(admitted()).toBe(false);
      expect(inFlight()).toBe(1);
      finish.get(handle.taskId)!();
      await waiting;
      await next;
      expect(admitted()).toBe(true);
    });

    it('a status read of a running task restarts the countdown', async () => {
      const { limited, handle, finish, admitted, next } = await oneSlotTaken({ releaseUnwaitedAfterMs: 1_000 });
      finish.set(handle.taskId, () => undefined); // the scripted provider reports it running
      await vi.advanceTimersByTimeAsync(900);
      await expect(limited.status(handle)).resolves.toEqual({ state: 'running' });
      await vi.advanceTimersByTimeAsync(900);
      expect(admitted()).toBe(false);
      await vi.advanceTimersByTimeAsync(100);
      expect(admitted()).toBe(true);
      await next;
    });

    it('a later wait on a freed handle counts it again without queueing', async () => {
      const { limited, handle, finish, next, inFlight } = await oneSlotTaken({ releaseUnwaitedAfterMs: 1_000 });
      await vi.advanceTimersByTimeAsync(1_000);
      const second = await next; // now holds the slot
      const waiting = limited.wait(handle);
      await vi.advanceTimersByTimeAsync(0);
      expect(inFlight()).toBe(2);
      finish.get(handle.taskId)!();
      await waiting;
      expect(inFlight()).toBe(1);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(inFlight()).toBe(0);
      expect(second.taskId).toBe('2');
    });
  });

  it('frees the slot when a submit fails', async () => {
    const { provider } = scripted();
    const limiter = new Limiter({ p: { concurrency: 1 } });
    const limited = limitProvider({ ...provider, submit: async () => Promise.reject(new Error('boom')) }, limiter);
    await expect(limited.submit({ prompt: 'a' })).rejects.toThrow('boom');
    await expect(limited.generate({ prompt: 'a' })).resolves.toEqual({});
    expect(limiter.snapshot().p?.inFlight).toBe(0);
  });
});
