/**
 * `pnpm bench`: every benchmark, one table, and bench/RESULTS.md. Figures are
 * ratios against baselines measured in the same run (absolute times drift).
 * `pnpm bench --quick` runs smaller samples (a smoke run); `--only=polling,scale` runs a subset.
 * Results go to bench/results-<date>.md; `--update` rewrites the tracked bench/RESULTS.md instead.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { runFailover } from './failover.ts';
import { runFootprint } from './footprint.ts';
import { runHotPath } from './hot-path.ts';
import { runJson } from './json.ts';
import type { Row } from './lib.ts';
import { runOtel } from './otel.ts';
import { runOverhead } from './overhead.ts';
import { runOverheadAiSdk } from './overhead-ai-sdk.ts';
import { runPolling } from './polling.ts';
import { runScale } from './scale.ts';

const quick = process.argv.includes('--quick');
/** `--only polling,scale` runs a subset (RESULTS.md is then not rewritten). */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const started = Date.now();
const rows: Row[] = [];
const section = async (name: string, run: () => Promise<Row[]> | Row[]) => {
  if (only && !only.includes(name)) return;
  const t = Date.now();
  process.stderr.write(`bench: ${name}…\n`);
  rows.push(...(await run()));
  process.stderr.write(`bench: ${name} done in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
};

let tradeoff: string[] = [];
await section('overhead', () => runOverhead(quick));
await section('overhead-ai-sdk', () => runOverheadAiSdk(quick));
await section('hot-path', () => runHotPath(quick));
await section('polling', async () => {
  const result = await runPolling(quick);
  tradeoff = result.tradeoff;
  return result.rows;
});
await section('scale', runScale);
await section('failover', () => runFailover(quick));
await section('footprint', () => runFootprint(quick));
await section('otel', () => runOtel(quick));
await section('queue', async () => (await import('./queue.ts')).runQueue(quick));
await section('json', () => runJson(quick));

const header = ['scenario', 'metric', 'pictor', 'baseline (same run)', 'ratio', 'target', 'met'];
const table = [header, ...rows.map((r) => [r.scenario, r.metric, r.pictor, r.baseline, r.ratio, r.target, r.met === undefined ? '' : r.met ? 'yes' : 'NO'])];
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
const text = table.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')).join('\n');
console.log(`\n${text}\n\nPolling trade-off (reads per task versus extra latency, real-time scale):\n${tradeoff.map((t) => `  ${t}`).join('\n')}`);

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
const markdown = [
  '# Benchmark results',
  '',
  `Last run: ${new Date().toISOString()}${quick ? ' (quick run: small samples)' : ''} on ${machine}; ${((Date.now() - started) / 1000).toFixed(0)} s in all.`,
  'Ratios are against baselines measured in the same run. Regenerate with `pnpm bench`.',
  '',
  `| ${header.join(' | ')} |`,
  `|${header.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${[r.scenario, r.metric, r.pictor, r.baseline, r.ratio, r.target, r.met === undefined ? '' : r.met ? 'yes' : '**no**'].join(' | ')} |`),
  '',
  '## Polling trade-off',
  '',
  ...tradeoff.map((t) => `- ${t}`),
  '',
].join('\n');
// The tracked bench/RESULTS.md changes only on purpose (--update); a plain run writes a dated file beside it.
const resultsFile = process.argv.includes('--update') ? 'RESULTS.md' : `results-${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}.md`;
if (!only) {
  writeFileSync(new URL(`./${resultsFile}`, import.meta.url), markdown);
  console.log(`Wrote bench/${resultsFile}${resultsFile === 'RESULTS.md' ? '' : ' (pnpm bench --update rewrites bench/RESULTS.md)'}`);
}
process.exit(0);
