/**
 * The AI SDK model's image download in Node checks every address a host name resolves to and
 * connects only to those (core's pinned resolver), like saveImage: a DNS answer that changes
 * between the check and the connection (rebinding) is never dialled. Real sockets on 127.0.0.1;
 * the DNS is a fake `lookup` that answers differently on its second call.
 */
import type { ImageClient, ImageResult } from '@pictor/core';
import { PictorError } from '@pictor/core';
import { paintPng } from '@pictor/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../core/test/local-server.ts';
import { PictorImageModel, pictorErrorOf } from '../src/index.ts';
import { downloadImage as nodeDownload } from '../src/image-download.node.ts';
import { downloadImage as plainDownload } from '../src/image-download.ts';

let server: LocalServer;
let port = '';
let hits = 0;
let png: Uint8Array;

beforeAll(async () => {
  png = await paintPng(4, 4, 'pinned', 0);
  server = await startLocalServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'image/png' }).end(png);
  });
  port = new URL(server.url).port;
});
afterAll(() => server.close());

/** A client whose every call returns one image at `url` (the generation itself is not under test). */
function modelReturning(url: string, download: ConstructorParameters<typeof PictorImageModel>[1]['download']): PictorImageModel {
  const at = new Date(0).toISOString();
  const result: ImageResult = {
    provider: 'zai',
    model: 'glm-image',
    images: [{ url, width: 4, height: 4 }],
    size: { width: 4, height: 4 },
    quality: 'standard',
    taskId: 't1',
    requestId: undefined,
    createdAt: at,
    contentFilter: undefined,
    warnings: [],
    cost: { images: 1, usd: undefined },
    timings: { submittedAt: at, completedAt: at, statusRequests: 0, attempts: 1 },
    raw: {},
  } as unknown as ImageResult;
  const client = { generate: async () => result } as unknown as ImageClient;
  return new PictorImageModel('zai:glm-image', { client, maxImagesPerCall: 1, download });
}

const call = { prompt: 'p', n: 1, size: undefined, aspectRatio: undefined, seed: undefined, files: undefined, mask: undefined, providerOptions: {} };

/** Checked answer 127.0.0.1 (allow-listed below); any later answer is the metadata service. */
function rebindingLookup() {
  const lookup = async (_hostname: string) => (++lookup.calls === 1 ? ['127.0.0.1'] : ['169.254.169.254']);
  lookup.calls = 0;
  return lookup;
}

describe('PictorImageModel downloads in Node', () => {
  it('connects only to the address the policy checked: the second DNS answer is never asked for', async () => {
    const lookup = rebindingLookup();
    // A name no real DNS knows: the bytes can only arrive through the pinned, checked answer.
    const model = modelReturning(`http://images.rebind.test:${port}/a.png`, { lookup, allowHosts: ['127.0.0.1'] });
    const before = hits;
    const result = await model.doGenerate(call);
    expect(result.images).toEqual([png]);
    expect(lookup.calls).toBe(1);
    expect(hits - before).toBe(1);
  });

  it('refuses a name that resolves to the metadata service, before any connection', async () => {
    const lookup = rebindingLookup();
    await lookup('images.rebind.test');
    const model = modelReturning(`http://images.rebind.test:${port}/a.png`, { lookup, allowHosts: ['127.0.0.1'] });
    const before = hits;
    const error = pictorErrorOf(await model.doGenerate(call).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(PictorError);
    expect(error).toMatchObject({ kind: 'invalid_request', retryable: false });
    expect(error?.message).toContain('images.rebind.test (it resolves to 169.254.169.254) is a link-local address');
    expect(hits).toBe(before);
  });

  it('keeps a caller-given fetch (unpinned, as saveImage does) but still checks the resolved addresses', async () => {
    const fetched: string[] = [];
    const fetch = (async (input: string | URL | Request) => {
      fetched.push(String(input));
      return new Response(png.slice().buffer, { headers: { 'content-type': 'image/png' } });
    }) as typeof globalThis.fetch;
    const checked: string[] = [];
    const lookup = async (host: string) => (checked.push(host), ['93.184.216.34']);
    await expect(nodeDownload('https://images.example.test/a.png', { fetch, lookup })).resolves.toMatchObject({ mediaType: 'image/png' });
    expect(fetched).toEqual(['https://images.example.test/a.png']);
    expect(checked).toEqual(['images.example.test']);
    await expect(nodeDownload('https://meta.example.test/a.png', { fetch, lookup: async () => ['169.254.169.254'] })).rejects.toMatchObject({ kind: 'invalid_request' });
  });
});

describe('the runtime-neutral download (browsers, edge)', () => {
  it('checks the literal host only and fetches with the given fetch', async () => {
    const fetch = (async () => new Response(png.slice().buffer, { headers: { 'content-type': 'image/png' } })) as typeof globalThis.fetch;
    await expect(plainDownload('https://images.example.test/a.png', { fetch })).resolves.toMatchObject({ mediaType: 'image/png' });
    await expect(plainDownload('http://169.254.169.254/latest/', { fetch })).rejects.toMatchObject({ kind: 'invalid_request' });
  });
});
