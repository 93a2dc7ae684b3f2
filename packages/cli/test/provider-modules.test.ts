/**
 * Providers from modules a --config file names (`providers.<id>.module`): registered under that
 * id with the rest of the section as their config, and a clear exit-2 error for every way the
 * module can be wrong (missing, no such export, wrong shape, a factory returning something else).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-cli-modules-'));
  await writeFile(join(dir, 'exports.mjs'), 'export const a = 1;\nexport function b() {}\nexport default 42;\n');
  await writeFile(join(dir, 'empty-provider.mjs'), 'export default () => ({ id: "x", models: {} });\n');
  await writeFile(join(dir, 'broken.mjs'), 'export default (;\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

/** Writes a config whose `mine` provider section is `section`, and runs `generate` with it. */
async function generateWith(section: Record<string, unknown>, name = 'config.json', model = 'mine:cogview-4-250304') {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify({ model, providers: { mine: section } }));
  return cli(['generate', 'a fox', '--config', path, '--json', '--out', join(dir, 'out/')]);
}

describe('providers.<id>.module in a config file', () => {
  it('registers the module\'s export under the section id, with the rest of the section as its config', async () => {
    const fixture = new URL('./fixtures/mock-provider.mjs', import.meta.url).pathname;
    // `durationMs` reaches the mock's strict options: `module` and `export` were taken out first.
    const run = await generateWith({ module: fixture, export: 'createMine', durationMs: 1 });
    expect(run.stderr).not.toContain('invalid_request');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ provider: 'mine', model: 'cogview-4-250304', files: [expect.stringContaining(join(dir, 'out'))] });
  });

  it('submits with --no-wait and resumes with `pictor wait` through the same module', async () => {
    const fixture = new URL('./fixtures/mock-provider.mjs', import.meta.url).pathname;
    const path = join(dir, 'resume.json');
    await writeFile(path, JSON.stringify({ model: 'mine:glm-image', providers: { mine: { module: fixture, export: 'createMine', durationMs: 1 } } }));
    const submitted = await cli(['generate', 'a hare', '--config', path, '--no-wait']);
    expect(submitted.stderr).toBe('');
    expect(submitted.code).toBe(0);
    expect(JSON.parse(submitted.stdout)).toMatchObject({ provider: 'mine', model: 'glm-image' });
    await writeFile(join(dir, 'handle.json'), submitted.stdout);
    const waited = await cli(['wait', join(dir, 'handle.json'), '--config', path, '--json', '--out', join(dir, 'resumed/')]);
    expect(waited.stderr).toBe('');
    expect(JSON.parse(waited.stdout)).toMatchObject({ provider: 'mine', model: 'glm-image' });
  });

  it('takes a { create, configSchema } registration, whose schema checks the rest of the section', async () => {
    const fixture = new URL('./fixtures/mock-provider.mjs', import.meta.url).pathname;
    expect(await generateWith({ module: fixture, export: 'registration', durationMs: 1 })).toMatchObject({ code: 0 });
    const bad = await generateWith({ module: fixture, export: 'registration', durationMs: 'slow' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Invalid config providers\.mine.*durationMs/);
  });

  it('resolves a relative module path from the config file, not the working directory', async () => {
    await writeFile(join(dir, 'relative.mjs'), `export { createMine as default } from ${JSON.stringify(new URL('./fixtures/mock-provider.mjs', import.meta.url).pathname)};\n`);
    const run = await generateWith({ module: './relative.mjs', durationMs: 1 });
    expect(run.code).toBe(0);
  });

  it.each([
    ['a missing file', { module: './nowhere.mjs' }, /providers\.mine\.module: cannot load \.\/nowhere\.mjs: /],
    ['a module that does not parse', { module: './broken.mjs' }, /providers\.mine\.module: cannot load \.\/broken\.mjs: /],
    ['a missing export', { module: './exports.mjs', export: 'createMine' }, /providers\.mine\.export: \.\/exports\.mjs has no export "createMine"; it exports a, b, default/],
    [
      'an export of the wrong shape',
      { module: './exports.mjs' },
      /providers\.mine: export "default" of \.\/exports\.mjs must be a provider factory \(\(config\) => ImageProvider\) or \{ create, configSchema\? \}, got a number/,
    ],
    ['an object export without create', { module: './exports.mjs', export: 'a' }, /must be a provider factory .* got a number/],
    [
      'a factory that returns no provider',
      { module: './empty-provider.mjs' },
      /the factory exported by \.\/empty-provider\.mjs must return an ImageProvider \(id, models, generate, submit, status, wait\); its generate must be a function/,
    ],
    [
      'a provider whose id is not the section\'s',
      { module: new URL('./fixtures/mock-provider.mjs', import.meta.url).pathname, export: 'createMisnamed' },
      /returned provider "mock", but the config registers it as "mine": name the section "mock", or give the provider the id "mine" \(fromAiSdk: \{ id: 'mine' \}\)/,
    ],
    ['a package name instead of a path', { module: 'my-provider' }, /providers\.mine\.module must be a path such as "\.\/my-provider\.js"/],
    ['a bad export name', { module: './exports.mjs', export: 'no-dash' }, /providers\.mine\.export must be an export name/],
  ])('refuses %s with a usage error naming the field', async (_name, section, message) => {
    const run = await generateWith(section);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^pictor: invalid_request: /);
    expect(run.stderr).toMatch(message);
  });

  it('refuses a module for a built-in provider id rather than replacing it', async () => {
    const path = join(dir, 'builtin.json');
    await writeFile(path, JSON.stringify({ model: 'zai:glm-image', providers: { zai: { module: './exports.mjs' } } }));
    const run = await cli(['generate', 'x', '--config', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('providers.zai.module: "zai" is a built-in provider; give your module\'s provider another id');
  });
});
