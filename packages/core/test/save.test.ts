/** saveImage / saveResult with hostile results: names, symlinks, existing files, disk failures. */
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageResult } from '../src/index.ts';
import { loadClientConfig, localIoError, nodeLookup, safeFileComponent, saveImage, saveResult } from '../src/node.ts';
import { startLocalServer, type LocalServer } from './local-server.ts';
import { pictorFailure as failure } from '@pictor/testing/vitest';

const PNG = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, 7, 7]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]);
const local = { allowLoopback: true } as const;
let server: LocalServer;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-save-'));
  server = await startLocalServer((req, res) =>
    req.url === '/jpeg' ? void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(JPEG) : void res.writeHead(200, { 'content-type': 'image/png' }).end(PNG),
  );
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const resultOf = (over: Partial<ImageResult>): ImageResult =>
  ({ provider: 'zai', model: 'glm-image', taskId: 't1', requestId: undefined, images: [{ url: `${server.url}/a.png`, mediaType: 'image/png', width: 1, height: 1, expiresAt: undefined }], ...over }) as ImageResult;


describe('safeFileComponent', () => {
  it.each([
    ['task/1', 'task_1'],
    ['..', '__'],
    ['.hidden', '_hidden'],
    ['../../etc/passwd', '___.._etc_passwd'],
    ['a\\b:c\0d', 'a_b_c_d'],
    ['', '_'],
    ['glm-image.v2_x', 'glm-image.v2_x'],
  ])('%j becomes %j', (input, expected) => {
    expect(safeFileComponent(input)).toBe(expected);
  });

  it('shortens long ids with a hash, distinct per id', () => {
    const a = safeFileComponent('x'.repeat(100));
    const b = safeFileComponent(`${'x'.repeat(99)}y`);
    expect(a.length).toBeLessThanOrEqual(40);
    expect(a).not.toBe(b);
  });
});

describe('saveResult with a hostile result', () => {
  it('keeps every file inside the output folder whatever provider, model and task id say', async () => {
    const out = join(dir, 'escape');
    const saved = await saveResult(resultOf({ provider: '../..', model: '../../../tmp/x', taskId: '/etc/cron.d/y' }), out, local);
    expect(saved).toHaveLength(1);
    expect(saved[0]!.path.startsWith(`${out}/`)).toBe(true);
    expect(saved[0]!.path.slice(out.length + 1)).not.toContain('/');
    expect(await readdir(out)).toEqual([saved[0]!.path.slice(out.length + 1)]);
    expect(saved[0]!.path).toMatch(/\/[\w.-]+-[\w.-]+-_etc_cron\.d_y\.png$/);
  });

  it('never follows a planted symlink and never overwrites: a taken name gets a suffix', async () => {
    const out = join(dir, 'planted');
    await mkdir(out);
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'untouched');
    await symlink(victim, join(out, 'zai-glm-image-t1.png'));
    const saved = await saveResult(resultOf({}), out, local);
    expect(saved[0]!.path).toBe(join(out, 'zai-glm-image-t1-2.png'));
    expect(await readFile(victim, 'utf8')).toBe('untouched');
    const again = await saveResult(resultOf({}), out, local);
    expect(again[0]!.path).toBe(join(out, 'zai-glm-image-t1-3.png'));
  });

  it('refuses to overwrite an explicit target, as a local_io error with the URL', async () => {
    const target = join(dir, 'exists.png');
    await writeFile(target, 'mine');
    const error = await failure(saveImage(`${server.url}/a.png`, target, local));
    expect(error).toMatchObject({ kind: 'local_io', retryable: false, details: { path: target, code: 'EEXIST', urls: [`${server.url}/a.png`] } });
    expect(error.message).toContain(target);
    expect(await readFile(target, 'utf8')).toBe('mine');
  });

  it('turns a file-system failure into local_io naming the path and OS code, keeping every URL', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const result = resultOf({ images: [resultOf({}).images[0]!, { ...resultOf({}).images[0]!, url: `${server.url}/b.png` }] });
    const error = await failure(saveResult(result, join(file, 'sub'), local));
    expect(error.kind).toBe('local_io');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/Cannot write .*a-file\/sub \((ENOTDIR|EEXIST)\)/);
    expect(error.details).toMatchObject({ urls: [`${server.url}/a.png`, `${server.url}/b.png`] });
    expect(error.message).toContain('do not generate again');
  });

  it('reports which files were already saved when a later one fails', async () => {
    const out = join(dir, 'partial');
    await mkdir(out);
    // Every name the second image could take (its own and 99 suffixes) is a directory.
    await mkdir(join(out, 'zai-glm-image-t1-2.png'));
    for (let i = 2; i <= 100; i++) await mkdir(join(out, `zai-glm-image-t1-2-${i}.png`));
    const image = resultOf({}).images[0]!;
    const error = await failure(saveResult(resultOf({ images: [image, image] }), out, local));
    expect(error).toMatchObject({ kind: 'local_io', details: { code: 'EEXIST', saved: [join(out, 'zai-glm-image-t1-1.png')] } });
  });

  it('refuses an explicit extension the bytes do not match', async () => {
    const error = await failure(saveImage(`${server.url}/jpeg`, join(dir, 'photo.png'), local));
    expect(error).toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('image/jpeg') });
    await expect(saveImage(`${server.url}/jpeg`, join(dir, 'photo'), local)).resolves.toMatchObject({ path: join(dir, 'photo.jpg'), mediaType: 'image/jpeg' });
  });

  it('a hostile 205 with a body is a PictorError, never an uncaught exception', async () => {
    // 205 is a null-body status: a fetch Response built with a body for it throws.
    const hostile = await startLocalServer((_req, res) => {
      res.writeHead(205, { 'content-type': 'image/png', 'content-length': String(PNG.length) });
      res.end(PNG);
    });
    try {
      await failure(saveImage(`${hostile.url}/a.png`, join(dir, 'null-body.png'), local));
    } finally {
      await hostile.close();
    }
  });

  it('downloads through the node:dns policy by default', async () => {
    expect(await nodeLookup('localhost')).toEqual(expect.arrayContaining([expect.stringMatching(/^(127\.0\.0\.1|::1)$/)]));
    const error = await failure(saveImage(`${server.url}/a.png`, join(dir, 'refused')));
    expect(error).toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('loopback') });
  });

  it('connects only to the address the policy checked (no second DNS answer: no rebinding)', async () => {
    const port = new URL(server.url).port;
    let calls = 0;
    // A name no real DNS knows: the download can only succeed through the pinned answer.
    const lookup = async () => (++calls === 1 ? ['127.0.0.1'] : ['169.254.169.254']);
    const saved = await saveImage(`http://images.pinned.test:${port}/a.png`, join(dir, 'pinned'), { lookup, allowHosts: ['127.0.0.1'] });
    expect(saved.mediaType).toBe('image/png');
    expect(calls).toBe(1);
    // The same name answered with the metadata address is refused before any connection.
    const error = await failure(saveImage(`http://images.pinned.test:${port}/a.png`, join(dir, 'pinned2'), { lookup, allowHosts: ['127.0.0.1'] }));
    expect(error.message).toContain('resolves to 169.254.169.254');
  });

  it('resolves and pins localhost too', async () => {
    const port = new URL(server.url).port;
    await expect(saveImage(`http://localhost:${port}/a.png`, join(dir, 'localhost'), local)).resolves.toMatchObject({ mediaType: 'image/png' });
    await expect(failure(saveImage(`http://localhost:${port}/a.png`, join(dir, 'localhost2')))).resolves.toMatchObject({ message: expect.stringContaining('loopback') });
  });

  it('builds local_io errors from anything thrown', () => {
    expect(localIoError('/x', new Error('boom'))).toMatchObject({ kind: 'local_io', details: { path: '/x', code: 'EUNKNOWN', urls: [] } });
  });
});

describe('loadClientConfig with a broken file', () => {
  it('says where the JSON breaks without quoting the text around it (it may hold an apiKey)', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"providers":{"zai":{"apiKey":"cfg-secret-key-0042" "region":"mainland"}},"model":"zai:glm-image"}');
    const error = await failure(loadClientConfig(file));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toMatch(/broken\.json is not valid JSON \(position \d+/);
    expect(error.message).not.toContain('cfg-secret');
    expect(error.cause).toBeUndefined();
  });
});
