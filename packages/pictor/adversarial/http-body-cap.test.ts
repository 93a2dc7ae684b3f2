/**
 * Issue 12 item 1: no API response body can exhaust memory. A 200 MB body of digit
 * runs (the old lossless parser's OOM) and a 10 GB gzip bomb end in a typed
 * invalid_response once the cap (8 MiB of decoded bytes by default) is passed,
 * with the submit outcome right and the process's peak RSS far below 300 MB.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createImageClient, createZai, type ImageClient } from 'pictor';
import { digitRunChunk, gzipBomb, gzipMember, json, startHostileServer, streamBody, watchRss, type HostileServer } from './http-servers.ts';
import { pictorFailure as failure } from '@pictor/testing/vitest';

const KEY = 'adv-http-key-0123456789';
const MB = 1 << 20;
const digits = digitRunChunk(MB);
const member = gzipMember();
let rss: ReturnType<typeof watchRss>;
let server: HostileServer | undefined;

beforeAll(() => {
  rss = watchRss();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => {
  // Every case above ran in this process: the caps kept it small.
  expect(rss.stop()).toBeLessThan(300 * MB);
});

const noRetry = { submit: { retries: 0 }, status: { retries: 0 } };

function zaiClient(baseURL: string, extra: Record<string, unknown> = {}): ImageClient {
  return createImageClient({ model: 'zai:cogview-4-250304', providers: { zai: { apiKey: KEY, baseURL, retry: noRetry, ...extra } } });
}


describe('API response bodies are capped while they stream', () => {
  it('a 200 MB sync answer full of 16+ digit runs: invalid_response, outcome unknown, sent once', async () => {
    server = await startHostileServer({ 'images/generations': (_req, res) => streamBody(res, 200, 200 * MB, digits) });
    const error = await failure(zaiClient(server.url).generate({ prompt: 'a cat' }));
    expect(error).toMatchObject({ kind: 'invalid_response', provider: 'zai', submitOutcome: 'unknown', retryable: false });
    expect(error.message).toContain(`over ${8 * MB} bytes (maxResponseBytes)`);
    expect(server.requests.get('POST /images/generations')).toBe(1);
  });

  it('a gzip bomb inflating to 10 GB: stopped at the cap of decoded bytes', async () => {
    server = await startHostileServer({ 'images/generations': (_req, res) => gzipBomb(res, 200, 10 * 1024 * MB, member) });
    const error = await failure(zaiClient(server.url).generate({ prompt: 'a cat' }));
    expect(error).toMatchObject({ kind: 'invalid_response', submitOutcome: 'unknown' });
    expect(server.requests.get('POST /images/generations')).toBe(1);
  });

  it('a huge status answer: the status read fails typed, the task handle stays usable', async () => {
    server = await startHostileServer({
      'async/images/generations': (_req, res) => json(res, 200, { id: '8353992347972780031', task_status: 'PROCESSING' }),
      'async-result': (_req, res) => gzipBomb(res, 200, 1024 * MB, member),
    });
    const client = createImageClient({ model: 'zai:glm-image', providers: { zai: { apiKey: KEY, baseURL: server.url, retry: noRetry } } });
    const handle = await client.submit({ prompt: 'a cat' });
    expect(handle.taskId).toBe('8353992347972780031');
    const error = await failure(client.status(handle));
    expect(error).toMatchObject({ kind: 'invalid_response', provider: 'zai', retryable: false });
    expect(server.requests.get('GET /async-result/8353992347972780031')).toBe(1);
  });

  it('a Novita submit answered by a 200 MB body: outcome unknown (the task may exist)', async () => {
    server = await startHostileServer({ 'v3/async/glm-image': (_req, res) => streamBody(res, 200, 200 * MB, digits) });
    const client = createImageClient({ model: 'novita:glm-image', providers: { novita: { apiKey: KEY, baseURL: server.url, retry: noRetry } } });
    const error = await failure(client.submit({ prompt: 'a cat' }));
    expect(error).toMatchObject({ kind: 'invalid_response', provider: 'novita', submitOutcome: 'unknown' });
  });

  it('a 503 with a 200 MB body keeps its status meaning: not created, retryable', async () => {
    server = await startHostileServer({ 'images/generations': (_req, res) => streamBody(res, 503, 200 * MB, digits) });
    const zai = createZai({ apiKey: KEY, baseURL: server.url, retry: noRetry });
    const error = await failure(zai.generate({ model: 'cogview-4-250304', prompt: 'a cat' }));
    expect(error).toMatchObject({ kind: 'provider_unavailable', status: 503, submitOutcome: 'not_created' });
  });

  it('maxResponseBytes from the config section applies (and a body under it is read)', async () => {
    const body = { created: 1, data: [{ url: 'https://img.example.com/a.png' }], pad: 'x'.repeat(4096) };
    server = await startHostileServer({ 'images/generations': (_req, res) => json(res, 200, body) });
    const error = await failure(zaiClient(server.url, { maxResponseBytes: 1024 }).generate({ prompt: 'a cat' }));
    expect(error).toMatchObject({ kind: 'invalid_response', submitOutcome: 'unknown' });
    expect(error.message).toContain('over 1024 bytes');
    await expect(zaiClient(server.url, { maxResponseBytes: 64 * 1024 }).generate({ prompt: 'a cat' })).resolves.toMatchObject({
      images: [{ url: 'https://img.example.com/a.png' }],
    });
  });

  it('a config section with a bad maxResponseBytes is an invalid_request naming the field', () => {
    expect(() => zaiClient('http://127.0.0.1:9', { maxResponseBytes: -5 })).toThrow(/maxResponseBytes/);
  });
});
