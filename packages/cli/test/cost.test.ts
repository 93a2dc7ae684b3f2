import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = new URL('../src/bin.ts', import.meta.url).pathname;
let dir: string;

/** The real `pictor` process, keyless: its stderr. */
function pictorStderr(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const env = { ...process.env };
  delete env.ZAI_API_KEY;
  delete env.NOVITA_API_KEY;
  const child = spawn(process.execPath, ['--conditions=@pictor/source', BIN, ...args], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-cli-cost-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pictor generate prints the cost and its basis', () => {
  it('says published for the mock (free: its published price is 0)', async () => {
    const run = await pictorStderr(['generate', 'a fox', '--out', 'fox.png']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('pictor: cost $0 (1 image at $0, published)');
  });

  it("says configured with the config's own price", async () => {
    await writeFile(join(dir, 'priced.json'), JSON.stringify({ model: 'mock:glm-image', providers: { mock: { durationMs: 5 } }, prices: { 'mock:glm-image': { usdPerImage: 0.012 } } }));
    const run = await pictorStderr(['generate', 'a fox', '--config', 'priced.json', '--out', 'priced.png']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('pictor: cost $0.012 (1 image at $0.012, configured)');
  });
});
