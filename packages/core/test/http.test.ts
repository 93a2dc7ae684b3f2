import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedPortUrl, startLocalServer } from './local-server.ts';
import { createHttpClient, errorCode, kindForStatus, outcomeForStatus, type HttpClientOptions } from '../src/adapter-api.ts';
import { pictorFailure as failure } from '@pictor/testing/vitest';

const BASE = 'https://api.example.test/v4';
const KEY = 'test-key-0123456789abcdef';

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const client = (overrides: Partial<HttpClientOptions> = {}) =>
  createHttpClient({ provider: 'example', baseURL: BASE, apiKey: KEY, timeoutMs: 2000, ...overrides });


describe('createHttpClient', () => {
  it('sends bearer auth and JSON to paths under the base URL', async () => {
    const scope = nock('https://api.example.test', { reqheaders: { authorization: `Bearer ${KEY}`, 'x-extra': '1' } })
      .post('/v4/images/generations', { prompt: 'cat' })
      .reply(200, { ok: true }, { 'x-request-id': 'req-1' });
    const response = await client({ headers: { 'x-extra': '1' } }).post('/images/generations', { json: { prompt: 'cat' } });
    expect(response).toMatchObject({ status: 200, data: { ok: true }, requestId: 'req-1' });
    scope.done();
  });

  it('passes search params on GET and keeps big integers exact', async () => {
    nock('https://api.example.test').get('/v4/result').query({ task_id: 'a b' }).reply(200, '{"id":8353992347972780031}');
    const response = await client().get('result', { searchParams: { task_id: 'a b' } });
    expect(response.data).toEqual({ id: '8353992347972780031' });
  });

  it('raises an authentication error at call time when no key is set', async () => {
    const error = await failure(client({ apiKey: undefined, missingKeyMessage: 'Set EXAMPLE_KEY' }).get('x'));
    expect(error).toMatchObject({ kind: 'authentication', retryable: false, submitOutcome: 'not_created' });
    expect(error.message).toBe('Set EXAMPLE_KEY');
  });

  it('maps error statuses, parses Retry-After and lets the adapter decide by body', async () => {
    nock('https://api.example.test')
      .post('/v4/a')
      .reply(429, { error: { code: '1113', message: `no balance for ${KEY}` } }, { 'retry-after': '3' });
    const error = await failure(
      client({
        mapError: ({ body }) =>
          (body as { error?: { code?: string } }).error?.code === '1113'
            ? { kind: 'insufficient_quota', providerCode: '1113', retryable: false }
            : undefined,
      }).post('a', { json: {} }),
    );
    expect(error).toMatchObject({ kind: 'insufficient_quota', status: 429, providerCode: '1113', retryAfterMs: 3000, retryable: false });
    expect(error.message).toContain('HTTP 429 (code 1113)');
    expect(error.message).not.toContain(KEY);
    expect(JSON.stringify(error.toJSON())).not.toContain(KEY);
  });

  it('falls back to the status when the adapter has no opinion', async () => {
    nock('https://api.example.test').get('/v4/a').reply(503, 'overloaded');
    const error = await failure(client().get('a'));
    expect(error).toMatchObject({ kind: 'provider_unavailable', status: 503, retryable: true, submitOutcome: 'not_created' });
    expect(error.message).toContain('overloaded');
  });

  it('treats a non-JSON success body as invalid_response with an unknown outcome', async () => {
    nock('https://api.example.test').post('/v4/a').reply(200, '<html>gateway</html>');
    const error = await failure(client().post('a', { json: {} }));
    expect(error).toMatchObject({ kind: 'invalid_response', submitOutcome: 'unknown' });
    expect(error.message).toContain('<html>gateway');
  });

  it('returns undefined data for an empty body', async () => {
    nock('https://api.example.test').get('/v4/a').reply(204);
    expect((await client().get('a')).data).toBeUndefined();
  });

  it('classifies a dropped connection as a network error with an unknown outcome', async () => {
    nock('https://api.example.test').post('/v4/a').replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const error = await failure(client().post('a', { json: {} }));
    expect(error).toMatchObject({ kind: 'network', submitOutcome: 'unknown', retryable: true });
  });

  it('classifies a refused connection as not sent', async () => {
    const error = await failure(createHttpClient({ provider: 'p', baseURL: await closedPortUrl(), apiKey: KEY }).post('a', { json: {} }));
    expect(error.kind).toBe('network');
    expect(error.submitOutcome).toBe('not_created');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('turns a per-attempt timeout into a timeout error with an unknown outcome', async () => {
    const server = await startLocalServer((_req, res) => void setTimeout(() => res.end('{}'), 2000));
    try {
      const error = await failure(client({ baseURL: server.url, timeoutMs: 50 }).post('slow', { json: {} }));
      expect(error).toMatchObject({ kind: 'timeout', submitOutcome: 'unknown' });
    } finally {
      await server.close();
    }
  });

  it('reports an abort as aborted, before or during the request', async () => {
    // Before sending: provably nothing was created.
    await expect(client().post('a', { signal: AbortSignal.abort() })).rejects.toMatchObject({ kind: 'aborted', submitOutcome: 'not_created' });
    const server = await startLocalServer((_req, res) => void setTimeout(() => res.end('{}'), 2000));
    try {
      const controller = new AbortController();
      const pending = client({ baseURL: server.url }).get('a', { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
    } finally {
      await server.close();
    }
  });
});

describe('status helpers', () => {
  it('maps statuses to kinds and submit outcomes', () => {
    expect(kindForStatus(400)).toBe('invalid_request');
    expect(kindForStatus(401)).toBe('authentication');
    expect(kindForStatus(403)).toBe('permission');
    expect(kindForStatus(404)).toBe('not_found');
    expect(kindForStatus(429)).toBe('rate_limited');
    expect(kindForStatus(500)).toBe('provider_unavailable');
    expect(kindForStatus(302)).toBe('invalid_response');
    expect(outcomeForStatus(400)).toBe('not_created');
    expect(outcomeForStatus(503)).toBe('not_created');
    for (const status of [500, 502, 504, 408]) expect(outcomeForStatus(status)).toBe('unknown');
  });
  it('finds error codes in cause chains', () => {
    expect(errorCode(new Error('x', { cause: { code: 'ECONNREFUSED' } }))).toBe('ECONNREFUSED');
    expect(errorCode({ errors: [{ code: 'EHOSTUNREACH' }] })).toBe('EHOSTUNREACH');
    expect(errorCode(new Error('plain'))).toBeUndefined();
  });
});
