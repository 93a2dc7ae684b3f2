import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, type ImageResult } from '../src/index.ts';
import { extensionFor } from '../src/image-type.ts';
import { saveImage, saveResult } from '../src/node.ts';
import { startLocalServer, type LocalServer } from './local-server.ts';
import { pictorFailure as failure } from '@pictor/testing/vitest';

const PNG = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3]);
let server: LocalServer;
let other: LocalServer;
const seenAuth: (string | undefined)[] = [];
let dir: string;
/** The test servers are on loopback, which downloads refuse unless allowed. */
const local = { allowLoopback: true } as const;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-dl-'));
  other = await startLocalServer((req, res) => {
    seenAuth.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
  });
  server = await startLocalServer((req, res) => {
    seenAuth.push(req.headers.authorization);
    switch (req.url) {
      case '/ok.png':
        return void res.writeHead(200, { 'content-type': 'image/png; charset=binary' }).end(PNG);
      case '/html':
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      case '/big':
        return void res.writeHead(200, { 'content-type': 'image/png', 'content-length': '5000' }).end(new Uint8Array(5000));
      case '/chunked-big': {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.write(new Uint8Array(600));
        return void res.end(new Uint8Array(600));
      }
      case '/expired':
        return void res.writeHead(403).end();
      case '/broken':
        return void res.writeHead(502).end();
      case '/redirect':
        return void res.writeHead(302, { location: `${other.url}/elsewhere.png` }).end();
      case '/declared-huge':
        // Declares 5 MB and sends a few bytes, then holds the connection: only a refusal based on the
        // declared length ends this quickly; reading the body would wait for bytes that never come.
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': '5000000' });
        return void res.write(new Uint8Array(10));
      case '/slow':
        return void setTimeout(() => res.writeHead(200, { 'content-type': 'image/png' }).end(PNG), 2000);
      default:
        return void res.writeHead(404).end();
    }
  });
});

afterAll(async () => {
  await server.close();
  await other.close();
  await rm(dir, { recursive: true, force: true });
});


describe('download guards', () => {
  it('fetches image bytes', async () => {
    const image = await download(`${server.url}/ok.png`, local);
    expect(image.mediaType).toBe('image/png');
    expect(image.bytes).toEqual(PNG);
  });

  it('decodes data: URLs locally', async () => {
    const image = await download('data:image/png;base64,iVBORw0KGgo=');
    expect(Array.from(image.bytes.slice(0, 4))).toEqual([137, 80, 78, 71]);
    expect((await failure(download('data:text/plain,hello'))).kind).toBe('invalid_response');
    expect((await failure(download('data:nonsense'))).kind).toBe('invalid_request');
  });

  it.each(['file:///etc/passwd', 'ftp://x/y.png', 'javascript:alert(1)', 'not a url', 'http://user:pw@127.0.0.1/x.png'])(
    'refuses %s',
    async (url) => {
      const error = await failure(download(url));
      expect(error.kind).toBe('invalid_request');
      expect(error.message).toContain('Download refused');
    },
  );

  it('refuses wrong content types and oversized bodies', async () => {
    expect((await failure(download(`${server.url}/html`, local))).message).toContain('text/html');
    expect((await failure(download(`${server.url}/big`, { ...local, maxBytes: 1000 }))).message).toContain('1000-byte limit');
    expect((await failure(download(`${server.url}/chunked-big`, { ...local, maxBytes: 1000 }))).message).toContain('1000-byte limit');
    expect((await failure(download('data:image/png;base64,AAAAAAAA', { maxBytes: 2 }))).message).toContain('limit');
  });

  it('refuses on the declared Content-Length before reading the body', async () => {
    const error = await failure(download(`${server.url}/declared-huge`, { ...local, maxBytes: 1000, timeoutMs: 10_000 }));
    expect(error.kind).toBe('invalid_response');
    expect(error.message).toContain('1000-byte limit (5000000 bytes)');
  });

  it('maps expired URLs and server errors', async () => {
    expect(await failure(download(`${server.url}/expired`, local))).toMatchObject({ kind: 'not_found', status: 403 });
    expect(await failure(download(`${server.url}/broken`, local))).toMatchObject({ kind: 'provider_unavailable', status: 502 });
  });

  it('enforces the timeout and honours an abort', async () => {
    expect((await failure(download(`${server.url}/slow`, { ...local, timeoutMs: 50 }))).kind).toBe('timeout');
    const controller = new AbortController();
    const pending = download(`${server.url}/slow`, { ...local, signal: controller.signal });
    controller.abort();
    expect((await failure(pending)).kind).toBe('aborted');
  });

  it('follows redirects to another host without any credentials', async () => {
    seenAuth.length = 0;
    const image = await download(`${server.url}/redirect`, local);
    expect(image.bytes).toEqual(PNG);
    expect(seenAuth).toEqual([undefined, undefined]);
  });

  it('reports network failures as network errors', async () => {
    const closed = await startLocalServer(() => undefined);
    await closed.close();
    expect((await failure(download(`${closed.url}/x.png`, local))).kind).toBe('network');
  });

  it('maps media types to file extensions', () => {
    expect(extensionFor('image/jpeg')).toBe('jpg');
    expect(extensionFor('image/webp')).toBe('webp');
    expect(extensionFor('image/gif')).toBe('gif');
    expect(extensionFor(undefined)).toBe('png');
  });
});

describe('node entry', () => {
  it('saves an image to a file path, adding the extension when missing', async () => {
    const saved = await saveImage(`${server.url}/ok.png`, join(dir, 'sub', 'picture'), local);
    expect(saved).toMatchObject({ path: join(dir, 'sub', 'picture.png'), bytes: PNG.length, mediaType: 'image/png' });
    expect(new Uint8Array(await readFile(saved.path))).toEqual(PNG);
    const exact = await saveImage(`${server.url}/ok.png`, join(dir, 'exact.bin'), local);
    expect(exact.path).toBe(join(dir, 'exact.bin'));
  });

  it('saves every image of a result into a directory', async () => {
    const image = { url: `${server.url}/ok.png`, mediaType: 'image/png', width: 1, height: 1, expiresAt: undefined };
    const result = { provider: 'zai', model: 'glm-image', taskId: 'task/1', images: [image, image] } as unknown as ImageResult;
    const saved = await saveResult(result, join(dir, 'many'), local);
    expect(saved.map((s) => s.path)).toEqual([join(dir, 'many', 'zai-glm-image-task_1-1.png'), join(dir, 'many', 'zai-glm-image-task_1-2.png')]);
  });
});
