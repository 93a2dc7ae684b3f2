import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bundledFixture, replay, resetReplay } from '@pictor/testing';
import { createZai } from '@pictor/zai';
import { paintPng } from '@pictor/mock';
import { MockImageModelV4 } from 'ai/test';
import { aiSdkModelAsFallback, generateThroughPictor } from '../ai-sdk.ts';
import { runFailover } from '../failover.ts';
import { makeThumbnail } from '../my-app.ts';
import { generateWithConfig } from '../switch-by-config.ts';

afterEach(() => {
  resetReplay();
  vi.unstubAllEnvs();
});

describe('examples/switch-by-config', () => {
  it('runs the same code on whichever provider the config names', async () => {
    const a = await generateWithConfig({ model: 'mock:glm-image', providers: { mock: { durationMs: 5 } } }, 'x');
    expect(a).toMatchObject({ provider: 'mock', model: 'glm-image', size: { width: 1472, height: 1088 } });
    const b = await generateWithConfig({ model: 'mock:cogview-4-250304' }, 'x');
    expect(b).toMatchObject({ model: 'cogview-4-250304', size: { width: 1152, height: 864 } });
  });
});

describe('examples/failover', () => {
  it('fails over from the scripted 503 to the fallback', async () => {
    const { result, events } = await runFailover();
    expect(result.model).toBe('cogview-4-250304');
    expect(result.route.map((s) => s.outcome)).toEqual(['failed', 'served']);
    expect(events.map((e) => e.type)).toContain('failover');
  });
});

describe('examples/my-app (a user test on the fixtures shipped with @pictor/testing)', () => {
  it('makes a thumbnail from a documented Z.AI async lifecycle, offline', async () => {
    const scope = replay(bundledFixture('zai/async-success'));
    const thumbnail = await makeThumbnail(createZai({ apiKey: 'test-key-not-real' }), 'A cute little kitten sitting on a sunny windowsill');
    scope.done();
    expect(thumbnail).toEqual({
      url: 'https://aigc-files.bigmodel.cn/api/cogview/20260122_glm_image_example.png',
      caption: 'A cute little kitten sitting on a sunny windowsill (1280x1280, zai)',
      costUsd: 0.015,
    });
  });
});

describe('examples/ai-sdk', () => {
  it('runs generateImage on a Pictor route: bytes, warnings, metadata', async () => {
    const { images, warnings, metadata } = await generateThroughPictor();
    expect(images).toHaveLength(2);
    expect([...images[0]!.uint8Array.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    // glm-image (and the mock, which mirrors it) makes one image per call: one warning from each of the 2 calls.
    const resolved = { type: 'compatibility', feature: 'aspectRatio', details: expect.stringContaining('16:9') };
    expect(warnings).toEqual([resolved, resolved]);
    expect(metadata[0]).toMatchObject({ provider: 'mock', model: 'glm-image', width: 1728, height: 960 });
  });

  it('fails over to an AI SDK model wrapped by fromAiSdk', async () => {
    const png = await paintPng(4, 4, 'sdk', 0);
    const model = new MockImageModelV4({
      modelId: 'sdk-image-1',
      doGenerate: async () => ({ images: [png], warnings: [], response: { timestamp: new Date(), modelId: 'sdk-image-1', headers: undefined } }),
    });
    const { result, events } = await aiSdkModelAsFallback(model);
    expect(result).toMatchObject({ provider: 'sdk', model: 'sdk-image-1', size: { width: 1024, height: 1024 } });
    expect(result.route.map((s) => s.outcome)).toEqual(['failed', 'served']);
    expect(events.map((e) => e.type)).toContain('failover');
  });
});

describe('every example runs as its header says', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const files = readdirSync(join(root, 'examples')).filter((name) => name.endsWith('.ts')).sort();

  it('finds the examples', () => {
    expect(files).toEqual(expect.arrayContaining(['demo.ts', 'failover.ts', 'my-app.ts', 'switch-by-config.ts']));
  });

  it.each(files)('examples/%s', async (name) => {
    const header = readFileSync(join(root, 'examples', name), 'utf8').slice(0, 2000);
    const command = /^ \* Run: `([^`]+)`/m.exec(header)?.[1];
    expect(command, `examples/${name} needs a " * Run: \`command\`" line in its header`).toBeDefined();
    const env = { ...process.env };
    delete env.ZAI_API_KEY;
    delete env.NOVITA_API_KEY;
    // From the repository root, as a reader would type it (keyless: the examples fall back to the mock).
    const run = spawnSync('sh', ['-c', command!], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, `${command}\n${run.stderr}`).toBe(0);
    expect(run.stdout.trim()).not.toBe('');
  }, 90_000);
});
