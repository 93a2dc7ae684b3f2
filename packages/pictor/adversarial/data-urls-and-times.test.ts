/**
 * Issue 12, item 2: a provider's b64_json becomes a data: URL; its size is refused on the encoded
 * length before anything is decoded, malformed ones are PictorErrors, and absurd `created` / TTL
 * values give a documented fallback instead of "Invalid time value".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PictorError, createNovita, createZai, download } from '../src/index.ts';
import { hostileServer, type HostileServer } from './hostile-server.ts';
import { pictorFailure as failure } from '@pictor/testing/vitest';

let zaiBody: unknown;
let novitaTtl: unknown;
let server: HostileServer;

beforeAll(async () => {
  server = await hostileServer((_req, res, url) => {
    const json = (body: unknown) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/zai/images/generations') return json(zaiBody);
    if (url.pathname === '/v3/async/glm-image') return json({ task_id: 'nv-task-1' });
    if (url.pathname === '/v3/async/task-result') {
      return json({ task: { task_id: 'nv-task-1', status: 'TASK_STATUS_SUCCEED' }, images: [{ image_url: 'https://cdn.example.com/i.png', image_url_ttl: novitaTtl, image_type: 'png' }] });
    }
    res.writeHead(404).end();
  });
});
afterAll(() => server.close());

// The response body cap (maxResponseBytes, 8 MiB by default) is raised here so that the 12 MiB payload
// reaches the data: URL cap this file is about; http-body-cap.test.ts covers the body cap itself.
const zai = () => createZai({ apiKey: 'adversarial-key-000000', baseURL: `${server.url}/zai`, maxResponseBytes: 64 * 1024 * 1024 });
const syncCall = (body: unknown) => {
  zaiBody = body;
  return zai().generate({ model: 'glm-image', mode: 'sync', prompt: 'p' }, { retry: { submit: { retries: 0 } } });
};


describe('b64_json from a hostile provider', () => {
  it('refuses a 12 MiB payload over a 1 MiB cap without decoding it', async () => {
    // Not valid base64 either: a size refusal (not "malformed") proves nothing was decoded.
    const result = await syncCall({ created: 1_700_000_000, data: [{ b64_json: '*'.repeat(12 * 1024 * 1024) }] });
    const error = await failure(download(result.images[0]!, { maxBytes: 1024 * 1024 }));
    expect(error).toMatchObject({ kind: 'invalid_response', message: expect.stringContaining('1048576-byte limit') });
  });

  it.each([
    ['characters outside base64', '@@@@not-base64@@@@'],
    ['a truncated quantum', 'iVBORw0KG'],
  ])('turns %s into a PictorError, never InvalidCharacterError', async (_name, b64) => {
    const result = await syncCall({ data: [{ b64_json: b64 }] });
    const error = await failure(download(result.images[0]!));
    expect(error).toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('malformed data: URL') });
  });

  it('refuses base64 that decodes to something other than an image', async () => {
    const result = await syncCall({ data: [{ b64_json: btoa('<html><script>x</script></html>') }] });
    await expect(failure(download(result.images[0]!))).resolves.toMatchObject({ kind: 'invalid_response' });
  });

  it.each(['data:image/png,%E0%A4%A', 'data:image/png,%', 'data:image/png;base64'])('turns the malformed data: URL %s into a PictorError', async (url) => {
    await expect(failure(download(url))).resolves.toMatchObject({ kind: 'invalid_request' });
  });
});

describe('absurd times', () => {
  it.each([1e300, 8.64e15, -1, 'soon'])('Z.AI created=%s falls back to the receive time', async (created) => {
    const before = Date.now();
    const result = await syncCall({ created, data: [{ url: 'https://cdn.example.com/a.png' }] });
    const createdAt = Date.parse(result.createdAt);
    expect(createdAt).toBeGreaterThanOrEqual(before - 1000);
    expect(createdAt).toBeLessThanOrEqual(Date.now() + 1000);
    // glm-image declares a URL TTL: the expiry is derived from the fallback, a valid time.
    expect(Number.isNaN(Date.parse(result.images[0]!.expiresAt ?? ''))).toBe(false);
  });

  it.each([1e20, 1e300, '99999999999999999999'])('Novita image_url_ttl=%s leaves the expiry unknown', async (ttl) => {
    novitaTtl = ttl;
    const novita = createNovita({ apiKey: 'adversarial-key-000000', baseURL: server.url });
    const result = await novita.generate({ model: 'glm-image', prompt: 'p' }, { poll: { firstDelayMs: 0, intervalMs: 1, minIntervalMs: 1 } });
    expect(result.images[0]!.expiresAt).toBeUndefined();
  });
});
