/**
 * Issue 12, item 3: a handle file is hostile input. Its carried result is only believed for a sync
 * handle and only after a strict schema check; every file name part is sanitised; files are
 * created exclusively (no overwrite, no symlink follow).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@pictor/testing';
import { PictorError, createZai, parseTaskHandle, serializeTaskHandle, type ImageResult, type TaskHandle } from '../src/index.ts';
import { saveResult } from '../src/node.ts';
import { pictorFailure as failure } from '@pictor/testing/vitest';

let emulator: Emulator;
let dir: string;
let handle: TaskHandle;
const fast = { poll: { firstDelayMs: 0, intervalMs: 2, minIntervalMs: 2 } };
const zai = () => createZai({ apiKey: 'adversarial-key-000000', baseURL: emulator.zaiBaseURL });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-adv-handles-'));
  emulator = await startEmulator({ durations: 5, imageSize: { width: 4, height: 4 } });
  handle = await zai().submit({ model: 'glm-image', prompt: 'p' });
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

const requests = () => Object.values(emulator.counters).reduce((a, b) => a + b, 0);


describe('a tampered handle file', () => {
  it('cannot make wait() or status() return a forged result for an async task', async () => {
    const result = (await zai().wait(handle, fast)) as ImageResult;
    const forged = JSON.parse(serializeTaskHandle({ ...handle, result: { ...result, images: [{ ...result.images[0]!, url: 'https://evil.example/x.png' }] } }));
    const before = requests();
    for (const call of [zai().wait(forged, fast), zai().status(forged)]) {
      const error = await failure(call);
      expect(error).toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('result: only a sync handle carries a result') });
    }
    expect(requests()).toBe(before);
  });

  it.each([
    ['a traversal provider', { provider: '../../../tmp' }, 'provider'],
    ['a traversal model', { model: '../../x' }, 'model'],
    ['a task id with a newline', { taskId: 'a\nb' }, 'taskId'],
    ['an unknown field', { exec: 'rm -rf /' }, 'exec'],
    ['version 2', { version: 2 }, 'version'],
  ])('refuses %s, naming the field', async (_name, change, field) => {
    const error = await failure(zai().wait({ ...handle, ...change } as TaskHandle, fast));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain(field);
  });

  it('refuses a 100k-deep handle file with a typed error, not a stack overflow', () => {
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    expect(() => parseTaskHandle(deep)).toThrow(PictorError);
    expect(() => parseTaskHandle(`{"version":1,"raw":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)).toThrow(PictorError);
  });
});

describe('saving a hostile result', () => {
  it('keeps every file inside the output folder and never follows a planted symlink', async () => {
    const result = (await zai().wait(handle, fast)) as ImageResult;
    const hostile = { ...result, provider: '../../..', model: '..\\..\\evil', taskId: '../../../../etc/cron.d/pictor' };
    const out = join(dir, 'out');
    await mkdir(out);
    const victim = join(dir, 'victim');
    await writeFile(victim, 'untouched');
    // Plant a symlink at the name a sanitised save would pick first.
    const first = (await saveResult(hostile, join(dir, 'probe')))[0]!.path.split('/').at(-1)!;
    await symlink(victim, join(out, first));
    const saved = await saveResult(hostile, out);
    expect(saved[0]!.path.startsWith(`${out}/`)).toBe(true);
    expect(saved[0]!.path).not.toBe(join(out, first));
    expect(await readFile(victim, 'utf8')).toBe('untouched');
    expect((await readdir(out)).sort()).toEqual([first, saved[0]!.path.split('/').at(-1)].sort());
    expect((await readdir(dir)).sort()).toEqual(['out', 'probe', 'victim']);
  });

  it('reports a disk failure as local_io with the image URLs, so the paid result is not lost', async () => {
    const result = (await zai().wait(handle, fast)) as ImageResult;
    const file = join(dir, 'not-a-dir');
    await writeFile(file, '');
    const error = await failure(saveResult(result, join(file, 'x')));
    expect(error).toMatchObject({ kind: 'local_io', retryable: false, details: { urls: [result.images[0]!.url] } });
    expect(error.message).toMatch(/not-a-dir\/x \((ENOTDIR|EEXIST)\)/);
  });
});
