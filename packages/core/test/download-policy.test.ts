/** The download network policy, redirects, magic bytes and data: URLs (issue 12, items 2 and 5). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GLM_IMAGE_SIZES, download, type ModelSpec } from '../src/index.ts';
import { addressScope, parseCidr, parseIp } from '../src/address.ts';
import { checkDownloadHost, isLoopbackURL, type DownloadPolicy } from '../src/download-policy.ts';
import { createProvider } from '../src/adapter-api.ts';
import { sniffRasterType } from '../src/image-type.ts';
import { startLocalServer, type LocalServer } from './local-server.ts';
import { pictorFailure as failure } from '@pictor/testing/vitest';

const PNG = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const WEBP = new TextEncoder().encode('RIFF\x10\x00\x00\x00WEBPVP8 ');
const SVG = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
const local = { allowLoopback: true } as const;

let server: LocalServer;
const hits: string[] = [];
beforeAll(async () => {
  server = await startLocalServer((req, res) => {
    hits.push(req.url ?? '');
    const [path, query] = (req.url ?? '').split('?');
    const n = Number(query ?? 0);
    switch (path) {
      case '/png-as-jpeg':
        return void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(PNG);
      case '/webp':
        return void res.writeHead(200, { 'content-type': 'image/webp' }).end(WEBP);
      case '/svg':
        return void res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(SVG);
      case '/svg-as-png':
        return void res.writeHead(200, { 'content-type': 'image/png' }).end(SVG);
      case '/html-as-png':
        return void res.writeHead(200, { 'content-type': 'image/png' }).end('<html><body>hi</body></html>');
      case '/hops':
        return void res.writeHead(302, { location: n > 0 ? `/hops?${n - 1}` : '/png' }).end();
      case '/to-metadata':
        return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      case '/to-private6':
        return void res.writeHead(307, { location: 'http://[fd00::1]/x.png' }).end();
      case '/to-file':
        return void res.writeHead(302, { location: 'file:///etc/passwd' }).end();
      case '/png':
        return void res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      default:
        return void res.writeHead(404).end();
    }
  });
});
afterAll(() => server.close());


describe('address scopes', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['[::ffff:a9fe:a9fe]', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['0.0.0.0', 'reserved'],
    ['::', 'reserved'],
    ['224.0.0.1', 'reserved'],
    ['172.32.0.1', 'public'],
    ['8.8.8.8', 'public'],
    ['2606:4700::1111', 'public'],
  ])('%s is %s', (ip, scope) => {
    expect(addressScope(parseIp(ip)!)).toBe(scope);
  });

  it('parses only literals and valid CIDRs', () => {
    for (const text of ['example.com', '1.2.3', '1.2.3.256', '1::2::3', '1:2:3:4:5:6:7:8:9', '::1.2.3']) expect(parseIp(text), text).toBeUndefined();
    expect(parseCidr('10.0.0.0/8')?.bits).toBe(8);
    expect(parseCidr('fd00::/8')?.bits).toBe(8);
    expect(parseCidr('10.0.0.1')?.bits).toBe(32);
    for (const text of ['10.0.0.0/33', '10.0.0.0/x', 'host/8']) expect(parseCidr(text), text).toBeUndefined();
  });

  it('knows a loopback base URL', () => {
    expect(isLoopbackURL('http://127.0.0.1:8080/v4')).toBe(true);
    expect(isLoopbackURL('http://[::1]/')).toBe(true);
    expect(isLoopbackURL('http://localhost:3000')).toBe(true);
    expect(isLoopbackURL('https://api.z.ai/api/paas/v4')).toBe(false);
    expect(isLoopbackURL('not a url')).toBe(false);
    expect(isLoopbackURL(undefined)).toBe(false);
  });
});

describe('checkDownloadHost', () => {
  const strict: DownloadPolicy = { allowHosts: [], allowLoopback: false };
  const check = (url: string, policy: DownloadPolicy = strict) => checkDownloadHost(new URL(url), policy);

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://[fe80::1]/x.png',
    'http://10.1.2.3/x.png',
    'http://192.168.1.1/x.png',
    'http://[fd00::1]/x.png',
    'http://127.0.0.1:9/x.png',
    'http://0x7f.1/x.png',
    'http://2130706433/x.png',
    'http://[::ffff:169.254.169.254]/x.png',
    'http://localhost/x.png',
    'http://img.localhost/x.png',
    'http://0.0.0.0/x.png',
  ])('refuses %s by default', async (url) => {
    const error = await failure(check(url));
    expect(error).toMatchObject({ kind: 'invalid_request', retryable: false });
    expect(error.message).toMatch(/Download refused: .* is a (loopback|private|link-local|reserved) address/);
  });

  it('allows public literals and, without a lookup, any host name', async () => {
    await expect(check('https://8.8.8.8/x.png')).resolves.toBeUndefined();
    await expect(check('https://cdn.example.com/x.png')).resolves.toBeUndefined();
  });

  it('allows loopback only when asked, and allow-listed hosts and ranges', async () => {
    await expect(check('http://127.0.0.1/x.png', { allowHosts: [], allowLoopback: true })).resolves.toBeUndefined();
    await expect(failure(check('http://10.0.0.1/x.png', { allowHosts: [], allowLoopback: true }))).resolves.toMatchObject({ message: expect.stringMatching(/allowHosts/) });
    await expect(check('http://10.9.8.7/x.png', { allowHosts: ['10.9.0.0/16'], allowLoopback: false })).resolves.toBeUndefined();
    await expect(check('http://[fd00::5]/x.png', { allowHosts: ['fd00::/8'], allowLoopback: false })).resolves.toBeUndefined();
    await expect(check('http://images.internal/x.png', { allowHosts: ['IMAGES.internal'], allowLoopback: false, lookup: async () => ['10.0.0.9'] })).resolves.toBeUndefined();
  });

  it('checks every address a lookup returns', async () => {
    const lookup = async (host: string) => (host === 'rebind.test' ? ['93.184.216.34', '169.254.169.254'] : ['93.184.216.34']);
    const error = await failure(check('https://rebind.test/x.png', { ...strict, lookup }));
    expect(error.message).toContain('rebind.test (it resolves to 169.254.169.254) is a link-local address');
    await expect(check('https://fine.test/x.png', { ...strict, lookup })).resolves.toBeUndefined();
    const unresolvable = await failure(check('https://nx.test/x.png', { ...strict, lookup: async () => Promise.reject(Object.assign(new Error('nx'), { code: 'ENOTFOUND' })) }));
    expect(unresolvable).toMatchObject({ kind: 'network', message: expect.stringContaining('ENOTFOUND') });
    await expect(failure(check('https://empty.test/x.png', { ...strict, lookup: async () => [] }))).resolves.toMatchObject({ kind: 'network' });
  });
});

describe('download: redirects, magic bytes, SVG', () => {
  it('refuses loopback by default and names the option', async () => {
    const error = await failure(download(`${server.url}/png`));
    expect(error.message).toContain('allowLoopback');
  });

  it('follows at most maxRedirects hops, checking each', async () => {
    await expect(download(`${server.url}/hops?4`, local)).resolves.toMatchObject({ mediaType: 'image/png' });
    await expect(failure(download(`${server.url}/hops?5`, local))).resolves.toMatchObject({ kind: 'invalid_response', message: expect.stringContaining('after 5 redirects') });
    await expect(failure(download(`${server.url}/hops?1`, { ...local, maxRedirects: 1 }))).resolves.toMatchObject({ message: expect.stringContaining('after 1 redirects') });
    hits.length = 0;
    await expect(failure(download(`${server.url}/to-metadata`, local))).resolves.toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('169.254.169.254') });
    await expect(failure(download(`${server.url}/to-private6`, local))).resolves.toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('private') });
    await expect(failure(download(`${server.url}/to-file`, local))).resolves.toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('in a redirect') });
    expect(hits).toEqual(['/to-metadata', '/to-private6', '/to-file']);
  });

  it('trusts the bytes, not the label', async () => {
    await expect(download(`${server.url}/png-as-jpeg`, local)).resolves.toMatchObject({ mediaType: 'image/png' });
    await expect(download(`${server.url}/webp`, local)).resolves.toMatchObject({ mediaType: 'image/webp' });
    await expect(failure(download(`${server.url}/html-as-png`, local))).resolves.toMatchObject({ kind: 'invalid_response', message: expect.stringContaining('not a PNG, JPEG, WebP or GIF') });
    expect(sniffRasterType(JPEG)).toBe('image/jpeg');
    expect(sniffRasterType(new TextEncoder().encode('GIF89a..'))).toBe('image/gif');
    expect(sniffRasterType(new Uint8Array(0))).toBeUndefined();
  });

  it('refuses SVG (by label or by content) unless allowSvg', async () => {
    await expect(failure(download(`${server.url}/svg`, local))).resolves.toMatchObject({ kind: 'invalid_response', message: expect.stringContaining('allowSvg') });
    await expect(failure(download(`${server.url}/svg-as-png`, local))).resolves.toMatchObject({ message: expect.stringContaining('SVG markup') });
    await expect(download(`${server.url}/svg`, { ...local, allowSvg: true })).resolves.toMatchObject({ mediaType: 'image/svg+xml' });
    await expect(download(`data:image/svg+xml,${encodeURIComponent(SVG)}`, { allowSvg: true })).resolves.toMatchObject({ mediaType: 'image/svg+xml' });
    await expect(failure(download(`data:image/svg+xml,${encodeURIComponent(SVG)}`))).resolves.toMatchObject({ kind: 'invalid_response' });
  });

  it('refuses a redirect a runtime hides (opaqueredirect) instead of following it blindly', async () => {
    const opaque = Object.assign(new Response(null, { status: 200 }), {});
    Object.defineProperty(opaque, 'type', { value: 'opaqueredirect' });
    const error = await failure(download('https://cdn.example.com/a.png', { fetch: async () => opaque }));
    expect(error).toMatchObject({ kind: 'invalid_response', message: expect.stringContaining('hides the target') });
  });

  it('validates its options, naming the bad one', async () => {
    await expect(failure(download('https://x.test/a.png', { allowhosts: [] } as never))).resolves.toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('allowhosts') });
    await expect(failure(download('https://x.test/a.png', { allowHosts: ['not a host!'] }))).resolves.toMatchObject({ message: expect.stringContaining('allowHosts.0') });
    await expect(failure(download('https://x.test/a.png', { maxRedirects: 99 }))).resolves.toMatchObject({ message: expect.stringContaining('maxRedirects') });
    await expect(failure(download({ url: 42 } as never))).resolves.toMatchObject({ kind: 'invalid_request' });
  });
});

describe('download: data: URLs', () => {
  const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

  it('decodes base64 (with line breaks) and percent-encoding to bytes', async () => {
    const encoded = b64(PNG);
    await expect(download(`data:image/png;base64,${encoded.slice(0, 8)}\n${encoded.slice(8)}`)).resolves.toMatchObject({ bytes: PNG });
    const percent = [...PNG].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    await expect(download(`data:image/png,${percent}`)).resolves.toMatchObject({ bytes: PNG, mediaType: 'image/png' });
  });

  it('refuses an oversized payload on its encoded length, before decoding it', async () => {
    // Invalid base64 beyond the cap: the size is refused first, so nothing was decoded.
    const error = await failure(download(`data:image/png;base64,${'!'.repeat(10_000)}`, { maxBytes: 1000 }));
    expect(error.message).toContain('1000-byte limit');
    await expect(failure(download(`data:image/png,${'%00'.repeat(2000)}`, { maxBytes: 1000 }))).resolves.toMatchObject({ message: expect.stringContaining('limit') });
    await expect(failure(download(`data:image/png,${'a'.repeat(1001)}`, { maxBytes: 1000 }))).resolves.toMatchObject({ message: expect.stringContaining('limit') });
  });

  it.each([
    ['bad base64', 'data:image/png;base64,iVBOR*w0KGgo='],
    ['a lone base64 char', 'data:image/png;base64,iVBORw0KG'],
    ['bad percent-encoding', 'data:image/png,%E0%A4%A'],
    ['bad percent-encoding (not hex)', 'data:image/png,%zz'],
    ['no comma', 'data:image/png;base64'],
  ])('turns %s into a PictorError', async (_name, url) => {
    const error = await failure(download(url));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain('malformed data: URL');
  });

  it('refuses non-image and non-raster payloads', async () => {
    await expect(failure(download('data:text/html,<b>x</b>'))).resolves.toMatchObject({ kind: 'invalid_response' });
    await expect(failure(download(`data:image/png;base64,${btoa('GIF8 not really')}`))).resolves.toMatchObject({ kind: 'invalid_response' });
  });
});

describe('images of a provider on loopback', () => {
  const spec = { id: 'm', sizes: GLM_IMAGE_SIZES, qualities: ['hd'], defaultQuality: 'hd', modes: ['sync'] as const, defaultMode: 'sync' as const, maxImagesPerCall: 1, maxPromptLength: 100, typicalDurationMs: 1, supports: { seed: false, watermark: false, userId: false } } satisfies ModelSpec;
  const providerAt = (baseURL: string) =>
    createProvider({ id: 'p', models: { m: spec }, generateSync: async () => ({ images: [{ url: `${server.url}/png` }], raw: {} }) }, { baseURL });

  it('may be downloaded from loopback without allowLoopback; a remote provider\'s may not', async () => {
    const result = await providerAt(server.url).generate({ model: 'm', prompt: 'p' });
    await expect(download(result.images[0]!)).resolves.toMatchObject({ mediaType: 'image/png' });
    // The URL alone (or a copy of the image) carries no such trust.
    await expect(failure(download(result.images[0]!.url))).resolves.toMatchObject({ kind: 'invalid_request' });
    await expect(failure(download({ ...result.images[0]! }))).resolves.toMatchObject({ kind: 'invalid_request' });
    const remote = await providerAt('https://api.example.com/v1').generate({ model: 'm', prompt: 'p' });
    await expect(failure(download(remote.images[0]!))).resolves.toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('loopback') });
  });
});
