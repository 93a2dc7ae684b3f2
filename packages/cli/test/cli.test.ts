import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng, readPngSize } from '@pictor/mock';
import { startEmulator, type Emulator } from '@pictor/testing';
import type { ImageResult, TaskHandle } from 'pictor';

const BIN = new URL('../src/bin.ts', import.meta.url).pathname;
let dir: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns the real `pictor` process (TypeScript sources, Node's type stripping), keyless. */
function pictor(
  args: string[],
  options: { input?: string; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void; onSpawn?: (child: ReturnType<typeof spawn>) => void } = {},
): Promise<Run> {
  const env = { ...process.env };
  delete env.ZAI_API_KEY;
  delete env.NOVITA_API_KEY;
  const child = spawn(process.execPath, ['--conditions=@pictor/source', BIN, ...args], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    options.onStderr?.(stderr, child);
  });
  options.onSpawn?.(child);
  child.stdin.end(options.input ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pictor generate', () => {
  it('uses the mock without a key and writes a PNG of the requested size', async () => {
    const run = await pictor(['generate', 'a fox in the snow', '--size', '1088x1472', '--out', 'fox.png']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('using the mock provider');
    expect(run.stdout.trim()).toBe('fox.png');
    const png = await decodePng(new Uint8Array(await readFile(join(dir, 'fox.png'))));
    expect([png.width, png.height]).toEqual([1088, 1472]);
    expect(png.rgb.length).toBe(1088 * 1472 * 3);
    expect(new Set(png.rgb.slice(0, 3000)).size).toBeGreaterThan(1); // a picture, not a blank
  });

  it('exits 2 on an invalid size, naming the rule and the nearest sizes', async () => {
    const run = await pictor(['generate', 'x', '--size', '1000x1000']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^pictor: invalid_request: size 1000x1000 is not valid for glm-image: width 1000 is below the minimum of 1024 px/m);
    expect(run.stderr).toContain('Nearest valid sizes: 1024x1024');
    expect(run.stdout).toBe('');
  });

  it('--json prints the normalised result', async () => {
    const run = await pictor(['generate', 'a lighthouse', '--aspect', '16:9', '--json', '--out', 'json-out/']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as ImageResult & { files: string[] };
    expect(result).toMatchObject({ provider: 'mock', model: 'glm-image', size: { width: 1728, height: 960 }, cost: { images: 1 }, timings: { attempts: 1 } });
    expect(result.images[0]).toMatchObject({ mediaType: 'image/png', width: 1728, height: 960 });
    expect(result.files).toHaveLength(1);
    expect(run.stderr).toContain('warning: aspectRatio 16:9 resolved to 1728x960');
  });

  it('--no-wait prints a handle that `pictor wait` resumes from a file and from stdin', async () => {
    const submitted = await pictor(['generate', 'a saved task', '--no-wait', '--size', '1024x1024']);
    expect(submitted.code).toBe(0);
    const handle = JSON.parse(submitted.stdout) as TaskHandle;
    expect(handle).toMatchObject({ version: 1, provider: 'mock', model: 'glm-image', mode: 'async' });
    await writeFile(join(dir, 'task.json'), submitted.stdout);
    const waited = await pictor(['wait', 'task.json', '--out', 'waited.png']);
    expect(waited.code).toBe(0);
    expect(readPngSize(new Uint8Array(await readFile(join(dir, 'waited.png'))))).toEqual({ width: 1024, height: 1024 });
    const piped = await pictor(['status', '-'], { input: submitted.stdout });
    expect(piped.code).toBe(0);
    // `wait` above already saw the task finish, so the status read from stdin must say so.
    expect(JSON.parse(piped.stdout)).toMatchObject({ state: 'succeeded', result: { provider: 'mock', taskId: handle.taskId } });
  });

  it('SIGINT during a wait prints a resumable handle and exits 130', async () => {
    await writeFile(join(dir, 'slow.json'), JSON.stringify({ model: 'mock:glm-image', providers: { mock: { durationMs: 600_000 } } }));
    let sent = false;
    const run = await pictor(['generate', 'interrupt me', '--config', 'slow.json', '--progress'], {
      onStderr: (text, child) => {
        if (!sent && text.includes('submitted')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('pictor: aborted');
    const handle = JSON.parse(run.stdout) as TaskHandle;
    expect(handle.provider).toBe('mock');
    await writeFile(join(dir, 'fast.json'), JSON.stringify({ model: 'mock:glm-image', providers: { mock: { durationMs: 1 } } }));
    await writeFile(join(dir, 'interrupted.json'), run.stdout);
    const resumed = await pictor(['wait', 'interrupted.json', '--config', 'fast.json', '--out', 'resumed/']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/resumed\/mock-glm-image-.*\.png/);
  });
});

describe('pictor against the emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ durations: 20, imageSize: { width: 16, height: 16 }, faults: [{ provider: 'zai', type: 'http', status: 503, times: 100 }] });
  });
  afterAll(async () => emulator.close());

  it('shows failover from a failing primary', async () => {
    await writeFile(
      join(dir, 'emulated.json'),
      JSON.stringify({
        model: 'zai:glm-image',
        fallbacks: ['novita:glm-image'],
        providers: { zai: emulator.providerConfig('zai'), novita: emulator.providerConfig('novita') },
      }),
    );
    const run = await pictor(['generate', 'emulated', '--config', 'emulated.json', '--json', '--progress']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { provider: string; route: { candidate: string; outcome: string }[] };
    expect(result.provider).toBe('novita');
    expect(result.route).toEqual([
      expect.objectContaining({ candidate: 'zai:glm-image', outcome: 'failed' }),
      expect.objectContaining({ candidate: 'novita:glm-image', outcome: 'served' }),
    ]);
    expect(run.stderr).toContain('failover: zai:glm-image → novita:glm-image: provider_unavailable');
    expect(emulator.submitsByPrompt.get('emulated')).toBe(2);
  });

  it('reports a provider error in one line with the exit code of its kind', async () => {
    await writeFile(join(dir, 'zai-only.json'), JSON.stringify({ model: 'zai:glm-image', providers: { zai: emulator.providerConfig('zai') } }));
    const run = await pictor(['generate', 'no luck', '--config', 'zai-only.json']);
    expect(run.code).toBe(8);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^pictor: provider_unavailable: .* — retry later, or configure a fallback$/m);
  });
});

describe('pictor models, sizes, help and usage', () => {
  it('the committed bin runs from the sources with plain node (no build, no flags)', async () => {
    const bin = new URL('../bin/pictor.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, 'sizes', 'glm-image', '1728x960'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect({ code, stdout }).toEqual({ code: 0, stdout: '1728x960 is valid for glm-image\n' });
  });

  it('lists every provider and model', async () => {
    const run = await pictor(['models', '--json']);
    const models = JSON.parse(run.stdout) as { model: string; modes: string[] }[];
    expect(models.map((m) => m.model)).toEqual(['zai:glm-image', 'zai:cogview-4-250304', 'novita:glm-image', 'mock:glm-image', 'mock:cogview-4-250304']);
    expect((await pictor(['models'])).stdout).toContain('$0.015 per image');
  });

  it('prints size rules and checks a size', async () => {
    expect((await pictor(['sizes', 'cogview-4-250304'])).stdout).toContain('multiples of 16');
    const valid = await pictor(['sizes', 'zai:glm-image', '1728x960']);
    expect(valid).toMatchObject({ code: 0, stdout: '1728x960 is valid for glm-image\n' });
    const invalid = await pictor(['sizes', 'glm-image', '1000x1000', '--json']);
    expect(invalid.code).toBe(2);
    expect(JSON.parse(invalid.stdout)).toMatchObject({ valid: false, nearest: ['1024x1024', '1280x1280', '1472x1088'] });
    expect((await pictor(['sizes', 'dall-e'])).code).toBe(2);
  });
});

/**
 * A Z.AI stand-in on 127.0.0.1 that answers what `answer` says and holds every other request
 * open (until close), calling `onHeld` when it does: a submit or a download that is in flight,
 * for as long as the test needs, with no timing guess.
 */
async function holdingServer(answer: (req: IncomingMessage, res: ServerResponse, url: string) => boolean, onHeld: () => void) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (!answer(req, res, url)) onHeld();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('paid results are never lost', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ durations: 20, imageSize: { width: 16, height: 16 } });
    await writeFile(join(dir, 'paid.json'), JSON.stringify({ model: 'zai:glm-image', providers: { zai: emulator.providerConfig('zai') } }));
    await writeFile(join(dir, 'blocker'), 'a file where a folder should be');
  });
  afterAll(async () => emulator.close());

  it('a failed save prints the handle and image URLs, exits 12, and wait saves them without a second submit', async () => {
    const run = await pictor(['generate', 'paid once', '--config', 'paid.json', '--out', 'blocker/fox.png']);
    expect(run.code).toBe(12);
    expect(run.stderr).toMatch(/^pictor: local_io: Cannot write .*blocker \(E[A-Z]+\): a file with that name is in the way of the folder.* — check that the --out folder exists/m);
    const handle = JSON.parse(run.stdout) as TaskHandle;
    expect(handle).toMatchObject({ provider: 'zai', model: 'glm-image' });
    expect(run.stderr).toContain(`task ${handle.taskId} finished and was paid for`);
    expect(run.stderr).toContain(`${emulator.url}/images/${handle.taskId}-0.png`);
    expect(run.stderr).not.toContain('retry');
    await writeFile(join(dir, 'paid-task.json'), run.stdout);
    const resumed = await pictor(['wait', 'paid-task.json', '--config', 'paid.json', '--out', 'paid-out/']);
    expect(resumed.code).toBe(0);
    expect(readPngSize(new Uint8Array(await readFile(join(dir, resumed.stdout.trim()))))).toEqual({ width: 16, height: 16 });
    expect(emulator.submitsByPrompt.get('paid once')).toBe(1);
  });

  it('SIGINT while a submit is in flight says the outcome is unknown, with no handle and no `pictor wait` hint', async () => {
    let child: ReturnType<typeof spawn> | undefined;
    const server = await holdingServer(() => false, () => child?.kill('SIGINT'));
    try {
      await writeFile(join(dir, 'hold-submit.json'), JSON.stringify({ model: 'zai:glm-image', providers: { zai: { apiKey: 'k-held', baseURL: server.url } } }));
      const run = await pictor(['generate', 'held submit', '--config', 'hold-submit.json'], { onSpawn: (c) => (child = c) });
      expect(run.code).toBe(130);
      expect(run.stderr).toMatch(/^pictor: aborted: interrupted while the submit was in flight: the outcome is unknown/m);
      expect(run.stderr).not.toContain('pictor wait');
      expect(run.stdout).toBe('');
    } finally {
      await server.close();
    }
  });

  it('SIGINT while a finished image downloads prints the handle and the image URL', async () => {
    let child: ReturnType<typeof spawn> | undefined;
    const server = await holdingServer(
      (req, res, url) => {
        if (req.method !== 'POST') return false; // the image download: held
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ created: 1767225600, id: 'sync-req-1', data: [{ url: `${url}/images/held.png` }] }));
        return true;
      },
      () => child?.kill('SIGINT'),
    );
    try {
      await writeFile(join(dir, 'hold-download.json'), JSON.stringify({ model: 'zai:cogview-4-250304', providers: { zai: { apiKey: 'k-held', baseURL: server.url } } }));
      const run = await pictor(['generate', 'held download', '--config', 'hold-download.json'], { onSpawn: (c) => (child = c) });
      expect(run.code).toBe(130);
      const handle = JSON.parse(run.stdout) as TaskHandle;
      expect(handle.result?.images[0]?.url).toBe(`${server.url}/images/held.png`);
      expect(run.stderr).toContain('finished and was paid for');
      expect(run.stderr).toContain(`${server.url}/images/held.png`);
    } finally {
      await server.close();
    }
  });
});

describe('output and hints', () => {
  it('status and --json shorten data: URLs unless --full', async () => {
    const submitted = await pictor(['generate', 'short urls', '--no-wait', '--model', 'mock:cogview-4-250304']);
    await writeFile(join(dir, 'short.json'), submitted.stdout);
    await writeFile(join(dir, 'mock-fast.json'), JSON.stringify({ model: 'mock:cogview-4-250304', providers: { mock: { durationMs: 1 } } }));
    const short = await pictor(['status', 'short.json', '--config', 'mock-fast.json']);
    const full = await pictor(['status', 'short.json', '--config', 'mock-fast.json', '--full']);
    const urlOf = (text: string) => (JSON.parse(text) as { result: ImageResult }).result.images[0]!.url;
    expect(urlOf(full.stdout)).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/);
    expect(urlOf(short.stdout)).toMatch(/^data:image\/png;base64,.{20,}…\(\d+ chars; --full prints it whole\)$/);
    expect(short.stdout.length).toBeLessThan(full.stdout.length / 4);
  });

  it('--poll takes a preset and --poll-first a delay, each with --timeout', async () => {
    const eager = await pictor(['generate', 'eager', '--poll', 'eager', '--timeout', '60000', '--out', 'eager/']);
    expect(eager.code).toBe(0);
    const first = await pictor(['generate', 'first', '--poll-first', '0', '--timeout', '60000', '--out', 'first/']);
    expect(first.code).toBe(0);
  });

  it('a missing key gets CLI advice, and only size and model errors point at pictor sizes/models', async () => {
    const keyless = await pictor(['generate', 'x', '--model', 'zai:glm-image']);
    expect(keyless.code).toBe(3);
    expect(keyless.stderr).toMatch(/^pictor: authentication: no API key for zai — set ZAI_API_KEY, or put providers\.zai\.apiKey in a --config file/m);
    expect(keyless.stderr).not.toContain('createZai');
    const noConfig = await pictor(['generate', 'x', '--config', 'missing.json']);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).not.toMatch(/pictor (sizes|models)`/);
    await writeFile(join(dir, 'bad-handle.json'), '{"version":1}');
    expect((await pictor(['wait', 'bad-handle.json'])).stderr).not.toMatch(/pictor (sizes|models)`/);
    expect((await pictor(['generate', 'x', '--model', 'mock:dall-e'])).stderr).toContain('see `pictor models`');
    expect((await pictor(['generate', 'x', '--size', '1000x1000'])).stderr).toContain('see `pictor sizes <model>`');
  });
});
