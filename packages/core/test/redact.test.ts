import { describe, expect, it } from 'vitest';
import { MAX_REDACT_DEPTH, TRUNCATED } from '../src/redact.ts';
import { PictorError } from '../src/index.ts';
import { REDACTED, Redactor, redactSecrets, redactValue } from '../src/adapter-api.ts';

describe('redactSecrets (patterns, no registry)', () => {
  it('removes key-like strings from any text', () => {
    expect(redactSecrets('Authorization: Bearer abcdefghijklmnop')).not.toContain('abcdefghijklmnop');
    expect(redactSecrets('{"authorization":"Bearer zzzzzzzzzzzz"}')).not.toContain('zzzzzzzzzzzz');
    expect(redactSecrets('key sk-ABCDEFGHIJKLMNOPQRSTUV')).not.toContain('ABCDEFGHIJKLMNOPQRSTUV');
    expect(redactSecrets('key sk-proj-AbCdEfGh_IjKlMnOpQrSt-UvWx')).not.toContain('IjKlMnOpQrSt');
    expect(redactSecrets('key sk-ant-api03-AbCdEfGhIjKlMnOp')).not.toContain('AbCdEfGhIjKlMnOp');
    expect(redactSecrets('https://x/y?api_key=secretvalue&a=1')).toBe(`https://x/y?api_key=${REDACTED}&a=1`);
    expect(redactSecrets('0123456789abcdef0123456789abcdef.AbCdEfGhIjKlMnOpQr')).toBe(REDACTED);
    expect(redactSecrets('nothing to hide here')).toBe('nothing to hide here');
  });

  it('does not remember a key passed once: there is no process-wide registry', () => {
    expect(redactSecrets('k=plainkey1', ['plainkey1'])).toBe(`k=${REDACTED}`);
    expect(redactSecrets('k=plainkey1')).toBe('k=plainkey1');
  });
});

describe('Redactor (scoped to one provider)', () => {
  it('removes its own key, however short, and only its own', () => {
    const zai = new Redactor(['zk12']);
    const novita = new Redactor(['nv-secret-key-0001']);
    expect(zai.text('key zk12 echoed')).toBe(`key ${REDACTED} echoed`);
    expect(novita.text('key zk12 echoed')).toBe('key zk12 echoed');
    expect(new Redactor([undefined, '']).text('unchanged')).toBe('unchanged');
    // A key with a lone surrogate (not URL-encodable) is still a key, not a crash.
    expect(new Redactor(['ab\uD800cd']).text('x ab\uD800cd')).toBe(`x ${REDACTED}`);
  });

  it('removes the JSON-escaped and URL-encoded forms of a key', () => {
    const key = 'ab"c/d e+f';
    const redactor = new Redactor([key]);
    expect(redactor.text(JSON.stringify({ echo: key }))).not.toContain('ab\\"c');
    expect(redactor.text(`https://x/?k=${encodeURIComponent(key)}`)).not.toContain(encodeURIComponent(key));
  });

  it('redacts object keys, keeping colliding keys apart, and credential fields', () => {
    const redactor = new Redactor(['secret-as-key']);
    const body = { 'secret-as-key': 'invalid', [REDACTED]: 'already', authorization: 'x', nested: [{ apiKey: 'y', ok: 1 }] };
    expect(redactor.value(body)).toEqual({ [REDACTED]: 'invalid', [`${REDACTED}#2`]: 'already', authorization: REDACTED, nested: [{ apiKey: REDACTED, ok: 1 }] });
  });

  it('walks a 100k-deep body without recursion, truncating past the depth limit', () => {
    let deep: unknown = 'leaf secret-x';
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    const copy = new Redactor(['secret-x']).value(deep);
    let node = copy as { d: unknown };
    let depth = 0;
    while (typeof node === 'object') {
      node = node.d as { d: unknown };
      depth++;
    }
    expect(depth).toBe(MAX_REDACT_DEPTH);
    expect(node).toBe(TRUNCATED);
    // The copy is shallow enough for JSON.stringify (logs) too.
    expect(() => JSON.stringify(copy)).not.toThrow();
  });

  it('copies shared and cyclic references once', () => {
    const shared = { v: 'k-secret-1' };
    const cyclic: Record<string, unknown> = { a: shared, b: shared };
    cyclic.self = cyclic;
    const copy = redactValue(cyclic, ['k-secret-1']) as Record<string, { v: string }>;
    expect(copy.a).toBe(copy.b);
    expect(copy.a!.v).toBe(REDACTED);
    expect(copy.self).toBe(copy);
  });

  it('replaces the cause chain with plain redacted errors, keeping names and codes', () => {
    const key = 'key-in-cause-77';
    const syntax = new SyntaxError(`Unexpected token in JSON at "${key}"`);
    const inner = Object.assign(new Error(`connect to ${key}`), { code: 'ECONNRESET', request: { headers: { authorization: key } } });
    Object.assign(syntax, { cause: inner });
    const attempt = new PictorError({ kind: 'network', message: `attempt with ${key}` });
    const error = new PictorError({ kind: 'invalid_response', message: `body ${key}`, details: { body: { [key]: key } }, attempts: [attempt], cause: syntax });
    const safe = new Redactor([key]).error(error);
    expect(safe).toBeInstanceOf(PictorError);
    expect(safe.kind).toBe('invalid_response');
    const cause = safe.cause as Error & { cause: Error & { code?: string } };
    expect(cause.name).toBe('SyntaxError');
    expect(cause.cause.code).toBe('ECONNRESET');
    expect('request' in cause.cause).toBe(false);
    const everything = JSON.stringify({ m: safe.message, s: safe.stack, d: safe.details, a: safe.attempts.map((a) => a.message), c: cause.message, cc: cause.cause.message, st: cause.stack });
    expect(everything).not.toContain(key);
    expect(everything).toContain(REDACTED);
  });

  it('bounds a cyclic cause chain and passes non-Pictor errors through', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    const safe = new Redactor(['x']).error(new PictorError({ kind: 'network', message: 'm', cause: b }));
    let depth = 0;
    for (let c: unknown = safe.cause; c; c = (c as Error).cause) depth++;
    expect(depth).toBe(5);
    const plain = new TypeError('t');
    expect(new Redactor(['x']).error(plain)).toBe(plain);
    expect(new Redactor(['x']).cause('a string x')).toMatchObject({ message: `a string ${REDACTED}` });
  });
});
