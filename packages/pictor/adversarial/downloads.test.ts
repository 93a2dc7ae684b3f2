/**
 * Issue 12, item 5: provider image URLs are hostile. Metadata, private and loopback addresses
 * are refused (loopback only trusted when the provider itself is on loopback), redirects are
 * checked hop by hop and capped, the bytes must be the image they claim, SVG is refused.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@pictor/testing';
import { PictorError, createZai, download, type ImageResult } from '../src/index.ts';
import { saveResult } from '../src/node.ts';
import { PNG, hostileServer, routedFetch, type HostileServer } from './hostile-server.ts';

const PUBLIC_API = 'https://api.z.ai';
let images: HostileServer;
let api: HostileServer;
let imageUrl = '';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-adv-dl-'));
  images = await hostileServer((_req, res, url) => {
    const n = Number(url.searchParams.get('n') ?? 0);
    switch (url.pathname) {
      case '/png':
        return void res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      case '/chain':
        return void res.writeHead(302, { location: n > 0 ? `/chain?n=${n - 1}` : '/png' }).end();
      case '/metadata':
        return void res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }).end();
      case '/private':
        return void res.writeHead(302, { location: 'http://10.0.0.1/x.png' }).end();
      case '/svg-as-png':
        return void res.writeHead(200, { 'content-type': 'image/png' }).end('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
      case '/huge': {
        // 200 MiB offered in 1 MiB chunks; stops as soon as the client goes away.
        res.writeHead(200, { 'content-type': 'image/png' });
        const chunk = new Uint8Array(1 << 20);
        chunk.set(PNG);
        let sent = 0;
        const pump = () => {
          while (sent < 200 && !res.destroyed) {
            sent++;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => (sent = 200));
        return pump();
      }
      default:
        return void res.writeHead(404).end();
    }
  });
  api = await hostileServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ created: 1_700_000_000, data: [{ url: imageUrl }] }));
  });
});
afterAll(async () => {
  await images.close();
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

/** A Z.AI provider that believes it is on the public internet (its traffic is routed to `api`). */
async function generateWithImage(url: string): Promise<ImageResult> {
  imageUrl = url;
  const zai = createZai({ apiKey: 'adversarial-key-000000', baseURL: `${PUBLIC_API}/api/paas/v4`, fetch: routedFetch(PUBLIC_API, api.url) });
  return zai.generate({ model: 'glm-image', mode: 'sync', prompt: 'p' }, { retry: { submit: { retries: 0 } } });
}

async function refused(promise: Promise<unknown>): Promise<PictorError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PictorError);
  return error as PictorError;
}

describe('a public provider returning hostile image URLs', () => {
  it.each([
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['metadata in IPv6-mapped form', 'http://[::ffff:169.254.169.254]/', 'link-local'],
    ['a private range', 'http://192.168.1.1/admin.png', 'private'],
    ['a private IPv6 range', 'http://[fd00::1]/x.png', 'private'],
    ['another port of this machine', 'LOCAL', 'loopback'],
    ['this machine in decimal', 'http://2130706433:6379/', 'loopback'],
  ])('refuses %s', async (_name, url, scope) => {
    const result = await generateWithImage(url === 'LOCAL' ? `${images.url}/png` : url);
    const before = images.hits.length;
    const error = await refused(download(result.images[0]!));
    expect(error).toMatchObject({ kind: 'invalid_request', retryable: false });
    expect(error.message).toContain(`is a ${scope} address`);
    expect(images.hits.length).toBe(before);
    await expect(refused(saveResult(result, join(dir, 'refused')))).resolves.toMatchObject({ kind: 'invalid_request' });
  });

  it('downloads from an allow-listed self-hosted host, still checking every redirect hop', async () => {
    const result = await generateWithImage(`${images.url}/chain?n=2`);
    await expect(download(result.images[0]!, { allowHosts: ['127.0.0.1'] })).resolves.toMatchObject({ mediaType: 'image/png' });
    const metadata = await generateWithImage(`${images.url}/metadata`);
    await expect(refused(download(metadata.images[0]!, { allowHosts: ['127.0.0.0/8'] }))).resolves.toMatchObject({ message: expect.stringContaining('169.254.169.254') });
    const privateHop = await generateWithImage(`${images.url}/private`);
    await expect(refused(download(privateHop.images[0]!, { allowHosts: ['127.0.0.1'] }))).resolves.toMatchObject({ message: expect.stringContaining('private') });
  });

  it('follows at most 5 redirects (not 19)', async () => {
    const result = await generateWithImage(`${images.url}/chain?n=18`);
    const before = images.hits.length;
    const error = await refused(download(result.images[0]!, { allowHosts: ['127.0.0.1'] }));
    expect(error.message).toContain('after 5 redirects');
    expect(images.hits.length - before).toBe(6);
  });
});

describe('a provider on loopback (the emulator)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ durations: 5, imageSize: { width: 4, height: 4 } });
  });
  afterAll(() => emulator.close());

  it('keeps working: its images download from loopback by default', async () => {
    const zai = createZai({ apiKey: 'adversarial-key-000000', baseURL: emulator.zaiBaseURL });
    const result = await zai.generate({ model: 'glm-image', prompt: 'p' }, { poll: { firstDelayMs: 0, intervalMs: 2, minIntervalMs: 2 } });
    const saved = await saveResult(result, join(dir, 'emulator'));
    expect(saved[0]!.mediaType).toBe('image/png');
  });

  it('still may not redirect to the metadata service or a private range', async () => {
    // The image URL is the hostile server's, but the result comes from a loopback provider.
    const zai = createZai({ apiKey: 'adversarial-key-000000', baseURL: api.url });
    imageUrl = `${images.url}/metadata`;
    const result = await zai.generate({ model: 'glm-image', mode: 'sync', prompt: 'p' });
    await expect(refused(download(result.images[0]!))).resolves.toMatchObject({ message: expect.stringContaining('link-local') });
  });
});

describe('bytes that are not what they claim', () => {
  const allow = { allowHosts: ['127.0.0.1'] };

  it('refuses SVG with script labelled image/png, and writes nothing', async () => {
    const result = await generateWithImage(`${images.url}/svg-as-png`);
    const out = join(dir, 'svg');
    await expect(refused(saveResult(result, out, allow))).resolves.toMatchObject({ kind: 'invalid_response', message: expect.stringContaining('SVG') });
    expect(await readdir(out)).toEqual([]);
  });

  it('stops a 200 MiB image at the cap while streaming', async () => {
    const result = await generateWithImage(`${images.url}/huge`);
    await expect(refused(download(result.images[0]!, { ...allow, maxBytes: 8 * 1024 * 1024 }))).resolves.toMatchObject({ kind: 'invalid_response', message: expect.stringContaining('8388608-byte limit') });
  });
});
