import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { digitRunChunk, gzipBomb, streamBody } from './hostile-server.ts';
import { startLocalServer, type LocalServer } from './local-server.ts';
import { PictorError } from '../src/index.ts';
import { checkBaseURL, isLoopbackHostname } from '../src/transport-policy.ts';
import { createHttpClient, providerClientOptionsSchema, type HttpClientOptions } from '../src/adapter-api.ts';
import { pictorFailure as failure } from '@pictor/testing/vitest';

const KEY = 'hardening-key-0123456789abcdef';
let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = await startLocalServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  return server.url;
}

const client = (baseURL: string, overrides: Partial<HttpClientOptions> = {}) =>
  createHttpClient({ provider: 'example', baseURL, apiKey: KEY, timeoutMs: 5000, ...overrides });


describe('response body cap (maxResponseBytes)', () => {
  it('reads a body up to the cap', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(60_000) });
    const url = await serve((_req, res) => res.end(body));
    expect((await client(url, { maxResponseBytes: 64 * 1024 }).post('a', { json: {} })).data).toEqual(JSON.parse(body));
  });

  it('cancels a chunked 2xx body past the cap: invalid_response, outcome unknown, not retried', async () => {
    const url = await serve((_req, res) => streamBody(res, 200, 64 << 20, digitRunChunk(64 * 1024)));
    const error = await failure(client(url, { maxResponseBytes: 256 * 1024 }).post('images', { json: {} }));
    expect(error).toMatchObject({ kind: 'invalid_response', status: 200, submitOutcome: 'unknown', retryable: false });
    expect(error.message).toContain('maxResponseBytes');
    expect(error.details).toMatchObject({ maxResponseBytes: 256 * 1024 });
  });

  it('refuses a declared Content-Length over the cap without reading it', async () => {
    // Only 5 of the 100 MiB announced are ever sent: a client waiting for the rest would time out instead.
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(100 << 20) });
      res.write('{"a":');
    });
    const error = await failure(client(url, { maxResponseBytes: 1024 }).get('a'));
    expect(error).toMatchObject({ kind: 'invalid_response', submitOutcome: 'unknown' });
  });

  it('counts inflated bytes: a gzip bomb ends at the cap', async () => {
    const url = await serve((_req, res) => gzipBomb(res, 200, 1 << 30));
    const error = await failure(client(url, { maxResponseBytes: 1 << 20 }).post('a', { json: {} }));
    expect(error).toMatchObject({ kind: 'invalid_response', submitOutcome: 'unknown' });
  });

  it('keeps the status meaning of an error answer whose body is over the cap', async () => {
    const url = await serve((_req, res) => streamBody(res, 503, 32 << 20, digitRunChunk(64 * 1024), { 'retry-after': '2' }));
    const error = await failure(client(url, { maxResponseBytes: 64 * 1024 }).post('a', { json: {} }));
    expect(error).toMatchObject({ kind: 'provider_unavailable', status: 503, submitOutcome: 'not_created', retryable: true, retryAfterMs: 2000 });
    expect(error.message).toContain('body not read: over maxResponseBytes');
  });

  it('times out a body that stops arriving, with an unknown outcome', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data": [');
    });
    const error = await failure(client(url).post('a', { json: {}, timeoutMs: 100 }));
    expect(error).toMatchObject({ kind: 'timeout', status: 200, submitOutcome: 'unknown' });
    expect(error.message).toContain('100 ms');
  });

  it('reports a connection dropped mid-body as a network error with an unknown outcome', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"data": [', () => res.destroy());
    });
    expect(await failure(client(url).post('a', { json: {} }))).toMatchObject({ kind: 'network', submitOutcome: 'unknown' });
  });

  it('reports an abort during the body read as aborted', async () => {
    const controller = new AbortController();
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data": [', () => controller.abort());
    });
    expect(await failure(client(url).get('a', { signal: controller.signal }))).toMatchObject({ kind: 'aborted' });
  });

  it('validates maxResponseBytes in the factory options schema', () => {
    expect(providerClientOptionsSchema.safeParse({ maxResponseBytes: 1024 }).success).toBe(true);
    expect(providerClientOptionsSchema.safeParse({ maxResponseBytes: 0 }).success).toBe(false);
    expect(providerClientOptionsSchema.safeParse({ maxResponseBytes: 1.5 }).success).toBe(false);
  });
});

describe('per-request timeout', () => {
  it('lets one request wait longer or shorter than the client default', async () => {
    let release: (() => void) | undefined;
    const url = await serve((_req, res) => {
      release = () => res.end('{"ok":true}');
      setTimeout(() => release?.(), 150);
    });
    // Client default 20 ms; this request allows 10 s, so the answer after 150 ms arrives.
    expect((await client(url, { timeoutMs: 20 }).post('a', { json: {}, timeoutMs: 10_000 })).data).toEqual({ ok: true });
    const error = await failure(client(url, { timeoutMs: 10_000 }).post('a', { json: {}, timeoutMs: 20 }));
    expect(error).toMatchObject({ kind: 'timeout', submitOutcome: 'unknown' });
    expect(error.message).toContain('20 ms');
  });
});

describe('plain-http base URLs (allowInsecure)', () => {
  it('refuses a non-loopback http base URL at construction, naming the options', () => {
    let calls = 0;
    const fetch = (async () => {
      calls++;
      return new Response('{}');
    }) as typeof globalThis.fetch;
    const error = (() => {
      try {
        client('http://user:pw@api.example.com/v4', { fetch });
      } catch (e) {
        return e as PictorError;
      }
      throw new Error('expected a failure');
    })();
    expect(error).toMatchObject({ kind: 'invalid_request', provider: 'example', retryable: false });
    expect(error.message).toContain('baseURL http://api.example.com is plain http');
    expect(error.message).toContain('allowInsecure: true');
    expect(error.message).not.toContain('pw');
    expect(calls).toBe(0);
  });

  it('allows https, loopback http, and any http with allowInsecure', () => {
    for (const url of ['https://api.example.com', 'http://127.0.0.1:9', 'http://127.5.6.7', 'http://localhost:1', 'http://[::1]:8']) {
      expect(() => client(url)).not.toThrow();
    }
    expect(() => client('http://10.0.0.1/v1', { allowInsecure: true })).not.toThrow();
    expect(() => client('http://10.0.0.1/v1', { allowInsecure: false })).toThrow(/plain http/);
  });

  it('refuses other protocols and unparseable URLs', () => {
    expect(() => checkBaseURL('ftp://files.example.com', 'p', true)).toThrow(/must be an http\(s\) URL/);
    expect(() => checkBaseURL('not a url', 'p', false)).toThrow(/not a valid URL/);
  });

  it('knows the loopback names', () => {
    expect(['localhost', 'LOCALHOST', '127.0.0.1', '127.255.0.9', '[::1]'].every(isLoopbackHostname)).toBe(true);
    expect(['128.0.0.1', '127.0.0.1.example.com', 'localhost.example.com', '[::2]', '0.0.0.0'].some(isLoopbackHostname)).toBe(false);
  });

  it('validates allowInsecure in the factory options schema', () => {
    expect(providerClientOptionsSchema.safeParse({ allowInsecure: true }).success).toBe(true);
    expect(providerClientOptionsSchema.safeParse({ allowInsecure: 'yes' }).success).toBe(false);
  });
});

describe('keys and headers checked at construction', () => {
  const construct = (overrides: Partial<HttpClientOptions>): PictorError => {
    try {
      client('https://api.example.com', overrides);
    } catch (e) {
      expect(e).toBeInstanceOf(PictorError);
      return e as PictorError;
    }
    throw new Error('expected a failure');
  };

  it.each([
    ['a line feed', `${KEY}\n`, 'U+000A'],
    ['a carriage return', `${KEY}\r\nX-Injected: 1`, 'U+000D'],
    ['a control character', `${KEY}\u0000`, 'U+0000'],
    ['a character outside Latin-1', `${KEY}€`, 'U+20AC'],
  ])('refuses a key with %s, without quoting it', (what, apiKey, code) => {
    const error = construct({ apiKey });
    expect(error).toMatchObject({ kind: 'invalid_request', submitOutcome: 'not_created' });
    expect(error.message).toContain(`apiKey contains ${what}`);
    expect(error.message).toContain(code);
    expect(error.message).not.toContain(KEY);
    expect(JSON.stringify(error.toJSON())).not.toContain(KEY);
    expect(error.cause).toBeUndefined();
  });

  it('refuses bad extra header values and names, and accepts Latin-1 and tabs', () => {
    expect(construct({ headers: { 'x-token': 'abc\ndef' } }).message).toContain('headers["x-token"] contains a line feed');
    expect(construct({ headers: { 'bad name': 'v' } }).message).toContain('not a valid HTTP header name');
    expect(() => client('https://api.example.com', { apiKey: 'key\twith-tab-é', headers: { 'x-a': 'ok' } })).not.toThrow();
  });

  it('sends nothing for a bad key (the check runs before any request)', async () => {
    let requests = 0;
    const probe = createServer((_req, res) => {
      requests++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    try {
      expect(() => createHttpClient({ provider: 'p', baseURL: `http://127.0.0.1:${port}`, apiKey: 'k\r\nx' })).toThrow(PictorError);
      expect(requests).toBe(0);
    } finally {
      await new Promise<void>((resolve) => probe.close(() => resolve()));
    }
  });
});
