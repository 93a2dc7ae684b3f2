import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, PictorError, isPictorError, toPictorError } from '../src/index.ts';
import { abortedError, isAbortError } from '../src/errors.ts';

describe('PictorError', () => {
  it('derives retryable from the kind', () => {
    const transient = new Set(['rate_limited', 'provider_unavailable', 'timeout', 'network']);
    for (const kind of ERROR_KINDS) {
      const error = new PictorError({ kind, message: kind });
      expect(error.retryable, kind).toBe(transient.has(kind));
      expect(error.kind).toBe(kind);
      expect(isPictorError(error)).toBe(true);
    }
    expect(new PictorError({ kind: 'rate_limited', message: 'quota', retryable: false }).retryable).toBe(false);
  });

  it('serialises to JSON with its attempts and copies with with()', () => {
    const first = new PictorError({ kind: 'network', message: 'reset', provider: 'zai' });
    const last = new PictorError({ kind: 'provider_unavailable', message: '503', status: 503, attempts: [first] });
    const json = last.toJSON();
    expect(json).toMatchObject({ kind: 'provider_unavailable', status: 503, attempts: [{ kind: 'network' }] });
    const copy = last.with({ message: 'changed' });
    expect(copy.message).toBe('changed');
    expect(copy.status).toBe(503);
    expect(copy).not.toBe(last);
  });

  it('wraps foreign errors', () => {
    expect(toPictorError(new Error('boom')).kind).toBe('invalid_response');
    expect(toPictorError(Object.assign(new Error('x'), { name: 'AbortError' })).kind).toBe('aborted');
    expect(toPictorError(Object.assign(new Error('x'), { name: 'TimeoutError' })).kind).toBe('timeout');
    expect(toPictorError('text').message).toContain('text');
    const original = new PictorError({ kind: 'timeout', message: 't' });
    expect(toPictorError(original)).toBe(original);
  });

  it('builds aborted errors from signals', () => {
    const controller = new AbortController();
    controller.abort();
    const error = abortedError(controller.signal, 'zai');
    expect(error.kind).toBe('aborted');
    expect(error.retryable).toBe(false);
    expect(isAbortError(error)).toBe(true);
    const timedOut = abortedError(AbortSignal.abort(new DOMException('late', 'TimeoutError')));
    expect(timedOut.kind).toBe('timeout');
  });
});
