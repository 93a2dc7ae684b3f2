import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PictorError } from '../src/index.ts';
import { createHttpClient } from '../src/adapter-api.ts';
import { DeadlineExceeded, RequestDeadline } from '../src/deadline.ts';

const KEY = 'deadline-key-0123456789abcdef';
const BASE = 'https://api.example.test/v4';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

async function failure(promise: Promise<unknown>): Promise<PictorError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PictorError);
    return error as PictorError;
  }
  throw new Error('expected a failure');
}

describe('RequestDeadline', () => {
  it('aborts its signal with DeadlineExceeded once the time runs out', () => {
    const deadline = new RequestDeadline(100, undefined);
    vi.advanceTimersByTime(99);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBeInstanceOf(DeadlineExceeded);
    expect(deadline.timedOut).toBe(true);
  });

  it('gives the body a full allowance again on restart', () => {
    const deadline = new RequestDeadline(100, undefined);
    vi.advanceTimersByTime(80);
    deadline.restart();
    vi.advanceTimersByTime(80);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(20);
    expect(deadline.timedOut).toBe(true);
  });

  it('follows the caller signal with its reason, without calling that a timeout', () => {
    const caller = new AbortController();
    const deadline = new RequestDeadline(100, caller.signal);
    caller.abort(new Error('user gave up'));
    expect(deadline.signal.aborted).toBe(true);
    expect((deadline.signal.reason as Error).message).toBe('user gave up');
    expect(deadline.timedOut).toBe(false);
    vi.advanceTimersByTime(200);
    expect(deadline.timedOut).toBe(false);
  });

  it('stops its timer and lets go of the caller signal when done', () => {
    const caller = new AbortController();
    const deadline = new RequestDeadline(100, caller.signal);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    deadline.done();
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    vi.advanceTimersByTime(200);
    expect(deadline.signal.aborted).toBe(false);
  });

  it('cancels the body reader it watches when it ends', async () => {
    const deadline = new RequestDeadline(100, undefined);
    const cancelled = vi.fn();
    const stream = new ReadableStream<Uint8Array>({ cancel: cancelled });
    const reader = stream.getReader();
    deadline.watch(reader);
    const read = reader.read();
    vi.advanceTimersByTime(100);
    expect(await read).toEqual({ done: true, value: undefined });
    expect(cancelled).toHaveBeenCalledWith(expect.any(DeadlineExceeded));
  });
});

describe('the HTTP client under a custom fetch that ignores its signal', () => {
  const client = (fetch: typeof globalThis.fetch) => createHttpClient({ provider: 'example', baseURL: BASE, apiKey: KEY, timeoutMs: 1000, fetch });

  it('times out a request whose headers never come', async () => {
    const pending = failure(client(() => new Promise<Response>(() => undefined)).post('images', { json: {} }));
    await vi.advanceTimersByTimeAsync(1000);
    const error = await pending;
    expect(error).toMatchObject({ kind: 'timeout', submitOutcome: 'unknown' });
    expect(error.message).toContain('got no response within 1000 ms');
  });

  it('times out a 2xx body that stops arriving, keeping the status', async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode('{"data": [')),
    });
    const pending = failure(client(async () => new Response(stalled, { status: 200 })).post('images', { json: {} }));
    await vi.advanceTimersByTimeAsync(1000);
    const error = await pending;
    expect(error).toMatchObject({ kind: 'timeout', status: 200, submitOutcome: 'unknown' });
    expect(error.message).toContain('the response body did not arrive within 1000 ms');
  });

  it('ends a pending request when the caller aborts, as aborted', async () => {
    const controller = new AbortController();
    const pending = failure(client(() => new Promise<Response>(() => undefined)).get('status', { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'aborted' });
  });

  it('leaves no listener on a caller signal shared by many calls', async () => {
    const shared = new AbortController();
    const http = client(async () => new Response('{"ok":true}', { status: 200 }));
    for (let i = 0; i < 20; i++) expect((await http.get('status', { signal: shared.signal })).data).toEqual({ ok: true });
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
  });
});
