/**
 * `pnpm mutate`: plants each bug of scripts/mutations.ts in turn, runs the vitest projects that
 * should catch it, and expects them to fail ("killed"). The file is always restored, also on an
 * error, Ctrl-C or SIGTERM. Prints a table; exits 1 if a mutation survived or its `find` is stale
 * (not exactly once in the file), 2 if the suite fails before any mutation (nothing to measure).
 *
 *   pnpm mutate                      every mutation
 *   pnpm mutate --only a,b           just these (by name)
 *   pnpm mutate --list               print the list and exit
 *
 * Not part of CI: it runs the chosen projects once per mutation.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MUTATIONS, type Mutation } from './mutations.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VITEST = join(dirname(createRequire(join(ROOT, 'package.json')).resolve('vitest/package.json')), 'vitest.mjs');
/** A run that takes longer than this is stopped and counted as killed (a planted hang is caught). */
const RUN_LIMIT_MS = 5 * 60_000;

type Outcome = 'killed' | 'survived' | 'stale' | 'killed (hung)';
interface Row {
  readonly name: string;
  readonly file: string;
  readonly outcome: Outcome;
  readonly seconds: number;
  readonly detail: string;
}

/** Files currently mutated, with their original text: restored on exit, whatever the cause. */
const planted = new Map<string, string>();
/** The vitest run in progress, stopped with us so no run outlives the script. */
let running: ChildProcess | undefined;
function restoreAll(): void {
  for (const [file, original] of planted) writeFileSync(file, original);
  planted.clear();
}
process.on('exit', restoreAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    restoreAll();
    running?.kill('SIGKILL');
    process.exit(130);
  });
}

function occurrences(text: string, find: string): number {
  let count = 0;
  for (let at = text.indexOf(find); at !== -1; at = text.indexOf(find, at + find.length)) count++;
  return count;
}

function runVitest(projects: readonly string[], tests: readonly string[] = []): Promise<{ code: number | null; hung: boolean; tail: string }> {
  const args = [VITEST, 'run', '--config', 'vitest.workspace.ts', '--bail', '1', '--reporter', 'dot', ...projects.flatMap((p) => ['--project', p]), ...tests];
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    running = child;
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let hung = false;
    const limit = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, RUN_LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(limit);
      running = undefined;
      done({ code, hung, tail: output });
    });
  });
}

async function mutate(mutation: Mutation): Promise<Row> {
  const file = join(ROOT, mutation.file);
  const started = Date.now();
  const row = (outcome: Outcome, detail = ''): Row => ({ name: mutation.name, file: mutation.file, outcome, seconds: Math.round((Date.now() - started) / 1000), detail });
  let original: string;
  try {
    original = readFileSync(file, 'utf8');
  } catch {
    return row('stale', 'file not found');
  }
  const count = occurrences(original, mutation.find);
  if (count !== 1) return row('stale', `find occurs ${count} times`);
  planted.set(file, original);
  try {
    writeFileSync(file, original.replace(mutation.find, () => mutation.replace));
    const { code, hung } = await runVitest(mutation.projects, mutation.tests);
    if (hung) return row('killed (hung)', `stopped after ${RUN_LIMIT_MS / 1000} s`);
    return code === 0 ? row('survived', 'the tests still pass with this bug') : row('killed');
  } finally {
    writeFileSync(file, original);
    planted.delete(file);
  }
}

function printTable(rows: readonly Row[]): void {
  const width = (pick: (r: Row) => string, title: string) => Math.max(title.length, ...rows.map((r) => pick(r).length));
  const w = [width((r) => r.name, 'mutation'), width((r) => r.file, 'file'), width((r) => r.outcome, 'result')];
  const line = (cells: string[]) => cells.map((c, i) => (i < w.length ? c.padEnd(w[i] as number) : c)).join('  ');
  console.log(line(['mutation', 'file', 'result', 'time']));
  console.log(line([...w.map((n) => '-'.repeat(n)), '----']));
  for (const r of rows) console.log(line([r.name, r.file, r.outcome, `${r.seconds}s${r.detail ? `  ${r.detail}` : ''}`]));
}

async function main(): Promise<number> {
  // pnpm passes a literal '--' through (pnpm mutate -- --only x): not an argument.
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const { values } = parseArgs({ args, options: { only: { type: 'string' }, list: { type: 'boolean', default: false } } });
  const names = new Set(MUTATIONS.map((m) => m.name));
  if (names.size !== MUTATIONS.length) throw new Error('scripts/mutations.ts: mutation names must be unique');
  const wanted = values.only?.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = wanted?.filter((n) => !names.has(n)) ?? [];
  if (unknown.length > 0) {
    console.error(`unknown mutation(s): ${unknown.join(', ')}; see pnpm mutate -- --list`);
    return 2;
  }
  const chosen = wanted ? MUTATIONS.filter((m) => wanted.includes(m.name)) : MUTATIONS;
  if (values.list) {
    for (const m of chosen) console.log(`${m.name.padEnd(40)} ${m.file}  [${m.projects.join(', ')}]`);
    return 0;
  }

  // Baseline: the chosen tests must pass unmutated, or every "killed" below would mean nothing.
  const projects = [...new Set(chosen.flatMap((m) => m.projects))];
  const tests = chosen.every((m) => m.tests) ? [...new Set(chosen.flatMap((m) => m.tests ?? []))] : [];
  console.log(`baseline: ${projects.join(', ')}${tests.length ? ` (${tests.length} test files)` : ''}`);
  const baseline = await runVitest(projects, tests);
  if (baseline.code !== 0) {
    console.error(`the tests fail without any mutation; fix them first.\n${baseline.tail}`);
    return 2;
  }

  const rows: Row[] = [];
  for (const mutation of chosen) {
    const result = await mutate(mutation);
    rows.push(result);
    console.log(`${result.outcome.padEnd(13)} ${mutation.name} (${result.seconds}s)`);
  }
  console.log('');
  printTable(rows);
  const survived = rows.filter((r) => r.outcome === 'survived').length;
  const stale = rows.filter((r) => r.outcome === 'stale').length;
  console.log(`\n${rows.length - survived - stale} killed, ${survived} survived, ${stale} stale, of ${rows.length}`);
  return survived > 0 || stale > 0 ? 1 : 0;
}

main().then(
  (code) => {
    restoreAll();
    process.exit(code);
  },
  (error: unknown) => {
    restoreAll();
    console.error(error);
    process.exit(2);
  },
);
