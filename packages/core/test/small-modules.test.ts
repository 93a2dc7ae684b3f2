import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  PictorError,
  collectEvents,
  parseTaskHandle,
  serializeTaskHandle,
  type TaskHandle,
} from '../src/index.ts';
import { emit } from '../src/events.ts';
import { parseJsonLossless, parseRetryAfter, sleep } from '../src/adapter-api.ts';

describe('parseRetryAfter', () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it('prefers retry-after-ms, then seconds, then an HTTP date', () => {
    expect(parseRetryAfter(h({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(parseRetryAfter(h({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfter(h({ 'retry-after': '0.5' }))).toBe(500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(h({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
    expect(parseRetryAfter(h({ 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }), now)).toBe(0);
  });
  it('ignores absent and garbage values', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(h({}))).toBeUndefined();
    expect(parseRetryAfter(h({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(h({ 'retry-after': '-3' }))).toBeUndefined();
    expect(parseRetryAfter(h({ 'retry-after-ms': 'x', 'retry-after': '1' }))).toBe(1000);
  });
});

describe('parseJsonLossless', () => {
  it('keeps 19-digit ids exact as strings', () => {
    expect(parseJsonLossless('{"id":8353992347972780031,"n":1}')).toEqual({ id: '8353992347972780031', n: 1 });
    expect(parseJsonLossless('{"id":"8353992347972780031"}')).toEqual({ id: '8353992347972780031' });
  });
  it('leaves strings, floats and safe numbers alone', () => {
    expect(parseJsonLossless('{"t":"x 12345678901234567890 \\" y","f":1234567890123456789.5,"s":9007199254740991}')).toEqual({
      t: 'x 12345678901234567890 " y',
      f: 1234567890123456789.5,
      s: 9007199254740991,
    });
    expect(parseJsonLossless('[-12345678901234567890]')).toEqual(['-12345678901234567890']);
  });
  it('throws on malformed JSON', () => {
    expect(() => parseJsonLossless('{"a":')).toThrow(SyntaxError);
  });
});

describe('task handles', () => {
  const handle: TaskHandle = {
    version: 1,
    provider: 'zai',
    model: 'glm-image',
    taskId: '8353992347972780031',
    mode: 'async',
    submittedAt: '2026-01-01T00:00:00.000Z',
    size: { width: 1280, height: 1280 },
    quality: 'hd',
    n: 1,
  };
  it('round-trips through JSON text', () => {
    expect(parseTaskHandle(serializeTaskHandle(handle))).toEqual(handle);
    expect(parseTaskHandle(handle)).toEqual(handle);
  });
  it('refuses malformed handles with a readable error', () => {
    expect(() => parseTaskHandle('{oops')).toThrow(/not valid JSON/);
    try {
      parseTaskHandle({ ...handle, taskId: '' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PictorError);
      expect((error as PictorError).message).toContain('taskId');
    }
    expect(() => parseTaskHandle({ ...handle, version: 2 })).toThrow(/version/);
    expect(() => parseTaskHandle({ ...handle, submittedAt: 'yesterday' })).toThrow(/ISO date/);
  });
});

describe('events', () => {
  it('stamps events and swallows listener errors', () => {
    const { events, listener } = collectEvents();
    emit(listener, { type: 'failed', provider: 'p', model: 'm', error: new PictorError({ kind: 'timeout', message: 't' }) });
    expect(events).toHaveLength(1);
    expect(Date.parse(events[0]!.at)).not.toBeNaN();
    expect(() =>
      emit(
        () => {
          throw new Error('listener bug');
        },
        { type: 'failed', provider: 'p', model: 'm', error: new PictorError({ kind: 'timeout', message: 't' }) },
      ),
    ).not.toThrow();
    expect(() => emit(undefined, { type: 'failed', provider: 'p', model: 'm', error: new PictorError({ kind: 'timeout', message: 't' }) })).not.toThrow();
  });
});

describe('sleep', () => {
  afterEach(() => void vi.useRealTimers());
  it('resolves after the delay and is interrupted by an abort at once', async () => {
    vi.useFakeTimers();
    const done = vi.fn();
    void sleep(1000).then(done);
    await vi.advanceTimersByTimeAsync(999);
    expect(done).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toHaveBeenCalled();

    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
    expect(vi.getTimerCount()).toBe(0);
    await expect(sleep(10, AbortSignal.abort())).rejects.toMatchObject({ kind: 'aborted' });
  });
});

describe('epoch times from provider bodies', () => {
  it('gives ISO strings for sane values and undefined for absurd ones, never a RangeError', async () => {
    const { isoFromEpochMs, isoFromEpochSeconds, isoAfter } = await import('../src/time.ts');
    expect(isoFromEpochSeconds(1_700_000_000)).toBe('2023-11-14T22:13:20.000Z');
    for (const bad of [1e300, -5, 0, Number.NaN, Number.POSITIVE_INFINITY, 9e15, undefined]) expect(isoFromEpochSeconds(bad)).toBeUndefined();
    expect(isoFromEpochMs(253_402_300_799_999)).toBe('9999-12-31T23:59:59.999Z');
    expect(isoFromEpochMs(253_402_300_800_000)).toBeUndefined();
    expect(isoAfter('2026-01-01T00:00:00.000Z', 1000)).toBe('2026-01-01T00:00:01.000Z');
    expect(isoAfter('not a date', 1000)).toBeUndefined();
    expect(isoAfter('2026-01-01T00:00:00.000Z', 1e20)).toBeUndefined();
  });
});

describe('nowIso', () => {
  it('equals new Date().toISOString() across milliseconds, seconds, days and years, and before 1970', async () => {
    const { nowIso } = await import('../src/time.ts');
    vi.useFakeTimers();
    const instants = [
      Date.UTC(2026, 10, 23, 20, 30, 1, 0),
      Date.UTC(2026, 10, 23, 20, 30, 1, 7),
      Date.UTC(2026, 10, 23, 20, 30, 1, 7),
      Date.UTC(2026, 10, 23, 20, 30, 1, 42),
      Date.UTC(2026, 10, 23, 20, 30, 1, 999),
      Date.UTC(2026, 10, 23, 20, 30, 2, 0),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(2027, 0, 1, 0, 0, 0, 100),
      Date.UTC(2026, 10, 23, 20, 30, 1, 500),
      -1,
      -1500,
      0,
    ];
    for (const instant of instants) {
      vi.setSystemTime(instant);
      expect(nowIso()).toBe(new Date(instant).toISOString());
    }
  });
});
