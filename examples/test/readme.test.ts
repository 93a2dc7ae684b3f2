/**
 * Every code block of README.md and the package READMEs works as written,
 * keyless: each ```ts snippet type-checks under noUncheckedIndexedAccess and
 * exactOptionalPropertyTypes and runs (on the mock, with no key in the
 * environment); each ```sh block runs in a scratch folder inside the workspace
 * with the workspace's bins (`pictor`, `pictor-emulator`) on PATH. A block that
 * cannot run keyless and offline carries a visible `<!-- not-run: reason -->`.
 * New sections' blocks are picked up automatically.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractBlocks, readmeFiles, type ReadmeBlock } from './readme-blocks.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Snippets are written inside the examples package so that `pictor`, `@pictor/*` resolve as for a user. */
const SNIPPETS = join(ROOT, 'examples', '.readme-snippets');
/** Shell blocks run inside the workspace (so `pnpm pictor` finds it), in a git-ignored folder. */
const SCRATCH = join(ROOT, 'examples', '.readme-run');

const blocks = readmeFiles(ROOT).flatMap((file) => extractBlocks(ROOT, file));
const snippets = blocks.filter((b) => b.lang === 'ts' && b.notRun === undefined);
const scripts = blocks.filter((b) => b.lang === 'sh' && b.notRun === undefined);
const outputs = blocks.filter((b) => b.lang === 'text' && b.outputOf !== undefined);
const where = (b: ReadmeBlock) => `${b.file}:${b.line}`;
const fileOf = (b: ReadmeBlock) => `${b.file.replace(/[^\w]+/g, '_')}_L${b.line}.ts`;

function keylessEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` };
  delete env.ZAI_API_KEY;
  delete env.NOVITA_API_KEY;
  return env;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: keylessEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** tsc's diagnostics per snippet file, with positions mapped back to README lines. */
const diagnostics = new Map<string, string[]>();

beforeAll(() => {
  rmSync(SNIPPETS, { recursive: true, force: true });
  mkdirSync(SNIPPETS, { recursive: true });
  writeFileSync(
    join(SNIPPETS, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../tsconfig.base.json',
      compilerOptions: {
        composite: false,
        declaration: false,
        declarationMap: false,
        sourceMap: false,
        noEmit: true,
        customConditions: ['@pictor/source'],
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
      },
      include: ['*.ts'],
    }),
  );
  // `export {}` makes each snippet a module (top-level await, no shared globals).
  for (const b of snippets) writeFileSync(join(SNIPPETS, fileOf(b)), `${b.code}\nexport {};\n`);
  if (snippets.length === 0) return;
  const tsc = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', '.', '--pretty', 'false'], { cwd: SNIPPETS, encoding: 'utf8' });
  // tsc exits 0 (clean) or 1/2 (diagnostics); anything else means nothing was checked.
  if (tsc.error || tsc.status === null || tsc.status > 2) throw new Error(`tsc did not run: ${tsc.error?.message ?? tsc.stderr}`);
  for (const text of `${tsc.stdout}\n${tsc.stderr}`.split('\n')) {
    const match = /^([\w.-]+\.ts)\((\d+),(\d+)\): (.*)$/.exec(text.trim());
    const block = match && snippets.find((b) => fileOf(b) === match[1]);
    // Only the snippets' own errors: the library's sources are checked by `pnpm typecheck`.
    if (!match || !block) continue;
    const list = diagnostics.get(match[1]!) ?? [];
    list.push(`${block.file}:${block.line + Number(match[2]) - 1}:${match[3]} ${match[4]}`);
    diagnostics.set(match[1]!, list);
  }
}, 120_000);

afterAll(() => {
  rmSync(SCRATCH, { recursive: true, force: true });
});

describe('README code blocks', () => {
  it('finds the blocks of every README, and every not-run marker says why', () => {
    expect(snippets.length).toBeGreaterThan(3);
    expect(scripts.length).toBeGreaterThan(0);
    const skipped = blocks.filter((b) => b.notRun !== undefined);
    console.log(
      `README blocks: ${snippets.length} ts and ${scripts.length} sh run, ${outputs.length} outputs compared, ${skipped.length} not run` +
        skipped.map((b) => `\n  not run: ${where(b)} (${b.notRun})`).join(''),
    );
    for (const b of skipped) expect(b.notRun, `${where(b)}: a not-run marker needs a reason`).not.toBe('');
    // Keep the exemptions few and visible: each one is a command a reader can't check by running it.
    expect(skipped.map(where).length, `not run: ${skipped.map((b) => `${where(b)} (${b.notRun})`).join('; ')}`).toBeLessThanOrEqual(6);
  });

  it('type-checks the few snippets it cannot run, each saying why', () => {
    const checkedOnly = snippets.filter((b) => b.typecheckOnly !== undefined);
    for (const b of checkedOnly) expect(b.typecheckOnly, `${where(b)}: a typecheck-only marker needs a reason`).not.toBe('');
    expect(checkedOnly.length, checkedOnly.map(where).join('; ')).toBeLessThanOrEqual(4);
  });

  it.each(snippets.map((b) => [where(b), b] as const))('ts %s type-checks and runs keyless', async (_name, block) => {
    expect(diagnostics.get(fileOf(block)) ?? []).toEqual([]);
    // Needs a service this run does not start (e.g. Redis): type-checked above, not run.
    if (block.typecheckOnly !== undefined) return;
    const cwd = mkdtempSync(join(tmpdir(), 'pictor-readme-'));
    try {
      const result = await run(process.execPath, ['--conditions=@pictor/source', join(SNIPPETS, fileOf(block))], cwd, 60_000);
      expect(result.code, `${where(block)} failed:\n${result.stderr}`).toBe(0);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 90_000);

  it.each(scripts.map((b) => [where(b), b] as const))('sh %s runs keyless', async (_name, block) => {
    const cwd = join(SCRATCH, basename(fileOf(block), '.ts'));
    rmSync(cwd, { recursive: true, force: true });
    mkdirSync(cwd, { recursive: true });
    const result = await run('sh', ['-e', '-c', block.code], cwd, 120_000);
    expect(result.code, `${where(block)} failed:\n${result.stderr}\n${result.stdout}`).toBe(0);
  }, 150_000);

  it.each(outputs.map((b) => [where(b), b] as const))('text %s is exactly what its command prints', async (_name, block) => {
    const cwd = mkdtempSync(join(tmpdir(), 'pictor-readme-'));
    try {
      const result = await run('sh', ['-c', `${block.outputOf} 2>&1`], cwd, 60_000);
      expect(result.stdout.trimEnd()).toBe(block.code);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('extractBlocks', () => {
  it('reads sh and ts fences with their README lines and honours not-run markers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pictor-readme-parse-'));
    try {
      mkdirSync(join(dir, 'packages', 'a'), { recursive: true });
      writeFileSync(
        join(dir, 'README.md'),
        ['# x', '```sh', 'echo one', '```', '<!-- not-run: needs a key -->', '', '```ts', 'const a = 1;', '```', '```json', '{}', '```', '<!-- output-of: pictor models -->', '```text', 'x', '```'].join('\n'),
      );
      writeFileSync(join(dir, 'packages', 'a', 'README.md'), '```bash\necho two\n```\n<!-- typecheck-only: needs Redis -->\n```ts\nconst b = 2;\n```\n');
      const found = readmeFiles(dir).flatMap((file) => extractBlocks(dir, file));
      expect(found).toEqual([
        { file: 'README.md', line: 3, lang: 'sh', code: 'echo one', notRun: undefined },
        { file: 'README.md', line: 8, lang: 'ts', code: 'const a = 1;', notRun: 'needs a key' },
        { file: 'README.md', line: 15, lang: 'text', code: 'x', notRun: undefined, outputOf: 'pictor models' },
        { file: join('packages', 'a', 'README.md'), line: 2, lang: 'sh', code: 'echo two', notRun: undefined },
        { file: join('packages', 'a', 'README.md'), line: 6, lang: 'ts', code: 'const b = 2;', notRun: undefined, typecheckOnly: 'needs Redis' },
      ]);
      writeFileSync(join(dir, 'README.md'), '```ts\nopen');
      expect(() => extractBlocks(dir, join(dir, 'README.md'))).toThrow('README.md:1: unclosed code fence');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

