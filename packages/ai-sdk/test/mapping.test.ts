/** The small mappings on their own: warnings both ways, SDK retry safety, finding the PictorError. */
import { APICallError } from '@ai-sdk/provider';
import { PictorError, type TaskHandle } from '@pictor/core';
import { RetryError } from 'ai';
import { describe, expect, it } from 'vitest';
import { pictorErrorOf } from '../src/index.ts';
import { isSafeForSdkRetry, submitAttempts, toSdkError } from '../src/to-sdk-error.ts';
import { fromSdkWarning, toSdkWarning } from '../src/warnings.ts';
import { callHeaders, scopedFetch, withCallScope } from '../src/call-scope.ts';

const refused = (extra: Partial<ConstructorParameters<typeof PictorError>[0]> = {}) =>
  new PictorError({ kind: 'provider_unavailable', message: 'busy', retryable: true, submitOutcome: 'not_created', status: 503, ...extra });
const handle = { version: 1, provider: 'zai', model: 'glm-image', taskId: 't1', mode: 'async', submittedAt: new Date().toISOString(), size: { width: 1, height: 1 }, quality: 'hd', n: 1 } satisfies TaskHandle;

describe('warnings', () => {
  it("maps Pictor's kinds to the SDK's", () => {
    expect(toSdkWarning({ type: 'unsupported', feature: 'seed', message: 'm' })).toEqual({ type: 'unsupported', feature: 'seed', details: 'm' });
    expect(toSdkWarning({ type: 'adjusted', feature: 'aspectRatio', message: 'm' })).toEqual({ type: 'compatibility', feature: 'aspectRatio', details: 'm' });
    expect(toSdkWarning({ type: 'skipped', feature: 'zai:glm-image', message: 'm' })).toEqual({ type: 'other', message: 'm' });
    expect(toSdkWarning({ type: 'unsupported', message: 'm' })).toEqual({ type: 'unsupported', feature: 'setting', details: 'm' });
  });

  it("maps the SDK's kinds to Pictor's, with a message for each", () => {
    expect(fromSdkWarning({ type: 'unsupported', feature: 'seed' })).toEqual({ type: 'unsupported', feature: 'seed', message: 'seed is not supported' });
    expect(fromSdkWarning({ type: 'compatibility', feature: 'size', details: 'd' })).toEqual({ type: 'adjusted', feature: 'size', message: 'd' });
    expect(fromSdkWarning({ type: 'deprecated', setting: 'style', message: 'use x' })).toEqual({ type: 'other', feature: 'style', message: 'use x' });
    expect(fromSdkWarning({ type: 'other', message: 'o' })).toEqual({ type: 'other', message: 'o' });
  });
});

describe('SDK retry safety', () => {
  it('allows only one provably-not-created transient submit', () => {
    expect(isSafeForSdkRetry(refused())).toBe(true);
    expect(isSafeForSdkRetry(refused({ submitOutcome: 'unknown' }))).toBe(false);
    expect(isSafeForSdkRetry(refused({ submitOutcome: undefined }))).toBe(false);
    expect(isSafeForSdkRetry(refused({ retryable: false }))).toBe(false);
    expect(isSafeForSdkRetry(refused({ handle }))).toBe(false);
    expect(isSafeForSdkRetry(refused({ kind: 'aborted' }))).toBe(false);
    // Retried inside Pictor, or one failure per failover candidate.
    expect(isSafeForSdkRetry(refused({ attempts: [refused(), refused()] }))).toBe(false);
    const candidate = refused({ attempts: [refused()] });
    expect(submitAttempts(refused({ attempts: [candidate, refused({ attempts: [refused(), refused()] })] }))).toHaveLength(3);
    expect(isSafeForSdkRetry(refused({ submitOutcome: undefined, attempts: [candidate] }))).toBe(true);
  });

  it('turns Pictor errors into APICallErrors, keeping an abort as the PictorError with its handle', () => {
    const sdk = toSdkError(refused({ retryAfterMs: 1500 }), 'zai:glm-image', 'p') as APICallError;
    expect(APICallError.isInstance(sdk)).toBe(true);
    expect(sdk).toMatchObject({ isRetryable: true, statusCode: 503, url: 'pictor:zai:glm-image', responseHeaders: { 'retry-after-ms': '1500' } });
    expect((toSdkError(refused({ submitOutcome: 'unknown', retryAfterMs: 1500 }), 'm', 'p') as APICallError).responseHeaders).toBeUndefined();
    const aborted = new PictorError({ kind: 'aborted', message: 'stop', handle });
    expect(toSdkError(aborted, 'm', 'p')).toBe(aborted);
    expect(toSdkError(new Error('odd'), 'm', 'p')).toMatchObject({ isRetryable: false, message: expect.stringContaining('odd') });
  });

  it('finds the PictorError behind what generateImage throws', () => {
    const error = refused();
    expect(pictorErrorOf(error)).toBe(error);
    const sdk = toSdkError(error, 'm', 'p');
    expect(pictorErrorOf(sdk)).toBe(error);
    expect(pictorErrorOf(new RetryError({ message: 'r', reason: 'maxRetriesExceeded', errors: [sdk] }))).toBe(error);
    expect(pictorErrorOf(new Error('plain'))).toBeUndefined();
  });
});

describe('call headers', () => {
  it('drops undefined values and the headers Pictor owns', () => {
    expect(callHeaders({ 'x-a': '1', 'x-b': undefined, Authorization: 'Bearer x', 'Content-Type': 'text/plain' })).toEqual({ 'x-a': '1' });
    expect(callHeaders(undefined)).toEqual({});
  });

  it('adds the scope headers to a URL request and records the response headers', async () => {
    const seen: Headers[] = [];
    const base: typeof fetch = async (input, init) => {
      seen.push(new Headers(init?.headers));
      return new Response('{}', { headers: { 'x-request-id': 'r1' } });
    };
    const wrapped = scopedFetch(base);
    const call = { headers: { 'x-trace': 't' } } as { headers: Record<string, string>; responseHeaders?: Record<string, string> };
    await withCallScope(call, async () => wrapped('http://127.0.0.1:9/x', { headers: { accept: 'application/json' } }));
    expect(seen[0]?.get('x-trace')).toBe('t');
    expect(seen[0]?.get('accept')).toBe('application/json');
    expect(call.responseHeaders).toMatchObject({ 'x-request-id': 'r1' });
  });

  it('sets the headers on a Request it is given, and copies them when its headers are immutable', async () => {
    const seen: Headers[] = [];
    const base: typeof fetch = async (input, init) => {
      seen.push(init?.headers ? new Headers(init.headers) : (input as Request).headers);
      return new Response('{}');
    };
    const wrapped = scopedFetch(base);
    const request = new Request('http://127.0.0.1:9/x', { headers: { accept: 'image/png' } });
    // A Response's headers are immutable, like those of a Request a runtime hands over.
    const frozen = Object.assign(Object.create(Request.prototype) as Request, {});
    Object.defineProperty(frozen, 'headers', { value: Response.error().headers });
    await withCallScope({ headers: { 'x-trace': 't' } }, async () => {
      await wrapped(request);
      await wrapped(frozen);
    });
    expect(seen[0]).toBe(request.headers);
    expect(seen[0]?.get('x-trace')).toBe('t');
    expect(seen[0]?.get('accept')).toBe('image/png');
    expect(seen[1]?.get('x-trace')).toBe('t');
  });
});
