import { describe, expect, it } from 'vitest';
import {
  ERROR_KINDS,
  PictorError,
  REDACTED,
  abortedError,
  isAbortError,
  isPictorError,
  redactSecrets,
  redactValue,
  registerSecret,
  toPictorError,
} from '../src/index.ts';

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

describe('redaction', () => {
  it('removes registered keys and key-like strings from messages', () => {
    registerSecret('my-very-secret-key-123');
    const error = new PictorError({ kind: 'authentication', message: 'bad key my-very-secret-key-123 in request' });
    expect(error.message).not.toContain('my-very-secret-key-123');
    expect(error.message).toContain(REDACTED);
    expect(redactSecrets('Authorization: Bearer abcdefghijklmnop')).not.toContain('abcdefghijklmnop');
    expect(redactSecrets('{"authorization":"Bearer zzzzzzzzzzzz"}')).not.toContain('zzzzzzzzzzzz');
    expect(redactSecrets('key sk-ABCDEFGHIJKLMNOPQRSTUV')).not.toContain('ABCDEFGHIJKLMNOPQRSTUV');
    expect(redactSecrets('https://x/y?api_key=secretvalue&a=1')).toBe(`https://x/y?api_key=${REDACTED}&a=1`);
    expect(redactSecrets('0123456789abcdef0123456789abcdef.AbCdEfGhIjKlMnOpQr')).toBe(REDACTED);
    expect(redactSecrets('nothing to hide here')).toBe('nothing to hide here');
  });

  it('ignores short secrets rather than mangling text', () => {
    registerSecret('abc');
    expect(redactSecrets('abc def')).toBe('abc def');
  });

  it('redacts nested values and credential fields', () => {
    registerSecret('nested-secret-value-1');
    expect(
      redactValue({ a: ['nested-secret-value-1'], authorization: 'x', n: 1, deep: { apiKey: 'y', ok: true } }),
    ).toEqual({ a: [REDACTED], authorization: REDACTED, n: 1, deep: { apiKey: REDACTED, ok: true } });
  });
});
