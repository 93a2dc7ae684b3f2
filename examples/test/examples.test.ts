import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadFixture, replay, resetReplay } from '@pictor/testing';
import { createZai } from '@pictor/zai';
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

describe('examples/my-app (a user test on recorded fixtures)', () => {
  it('makes a thumbnail from recorded Z.AI traffic, offline', async () => {
    const scope = replay(loadFixture(new URL('../../packages/zai/test/fixtures/async-success.json', import.meta.url)));
    const thumbnail = await makeThumbnail(createZai({ apiKey: 'test-key-not-real' }), 'A cute little kitten sitting on a sunny windowsill');
    scope.done();
    expect(thumbnail).toEqual({
      url: 'https://aigc-files.bigmodel.cn/api/cogview/20260122_glm_image_example.png',
      caption: 'A cute little kitten sitting on a sunny windowsill (1280x1280, zai)',
      costUsd: 0.015,
    });
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
