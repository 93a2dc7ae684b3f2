/**
 * The `pictor` CLI running an AI SDK image model: a config file names a module whose default
 * export wraps the model with fromAiSdk (fixtures/ai-sdk-provider.ts), and `pictor generate`
 * routes to it like to a built-in provider, with the section's settings reaching the factory.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@pictor/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-cli-ai-sdk-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('pictor generate with a fromAiSdk provider from the config', () => {
  it('generates through the AI SDK model and saves its image', async () => {
    const config = join(dir, 'pictor.json');
    const module = fileURLToPath(new URL('./fixtures/ai-sdk-provider.ts', import.meta.url));
    await writeFile(config, JSON.stringify({ model: 'acme:acme-1', providers: { acme: { module, pricePerImageUsd: 0.02 } } }));
    let stdout = '';
    let stderr = '';
    const code = await main(['generate', 'a red fox', '--config', config, '--json', '--out', join(dir, 'out/')], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { provider: string; model: string; cost: { usd: number }; files: string[] };
    expect(result).toMatchObject({ provider: 'acme', model: 'acme-1', cost: { usd: 0.02 } });
    const bytes = await readFile(result.files[0]!);
    expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});
