/**
 * 5. Footprint: cold import time (a fresh process each time, median of runs) and
 * installed size of @pictor/core + @pictor/zai (built dist, with ky, p-retry and
 * zod) versus ai + @ai-sdk/openai-compatible (with their dependencies).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fmt, median, type Row } from './lib.ts';

const here = dirname(new URL(import.meta.url).pathname);

function importMs(specifiers: string[], runs: number): number {
  const code = `const t = performance.now(); ${specifiers.map((s) => `await import(${JSON.stringify(s)});`).join(' ')} console.log(performance.now() - t);`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    times.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: here, encoding: 'utf8' }).trim()));
  }
  return median(times);
}

function packageDir(name: string, from: string): string {
  const require = createRequire(join(from, 'package.json'));
  let dir = dirname(realpathSync(require.resolve(`${name}/package.json`)));
  return dir;
}

function dirSize(dir: string, skip: (name: string) => boolean): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += dirSize(path, skip);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** Bytes of the packages and their production dependency closure, as installed. */
function closureSize(roots: string[]): number {
  const seen = new Set<string>();
  const visit = (name: string, from: string) => {
    let dir: string;
    try {
      dir = packageDir(name, from);
    } catch {
      return; // optional or peer dependency not installed
    }
    if (seen.has(dir)) return;
    seen.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) visit(dep, dir);
  };
  for (const root of roots) visit(root, here);
  // Workspace packages ship dist (src is for tests in this repo); node_modules never counts twice.
  return [...seen].reduce((sum, dir) => sum + dirSize(dir, (n) => n === 'node_modules' || n === 'src' || n === 'test' || n.endsWith('.tsbuildinfo')), 0);
}

export function runFootprint(quick: boolean): Row[] {
  const runs = quick ? 5 : 15;
  const pictorMs = importMs(['@pictor/zai'], runs);
  const aiMs = importMs(['ai', '@ai-sdk/openai-compatible'], runs);
  const pictorBytes = closureSize(['@pictor/core', '@pictor/zai']);
  const aiBytes = closureSize(['ai', '@ai-sdk/openai-compatible']);
  return [
    {
      scenario: 'footprint',
      metric: 'cold import (ms)',
      pictor: fmt(pictorMs, 1),
      baseline: `ai-sdk ${fmt(aiMs, 1)}`,
      ratio: `${fmt(pictorMs / aiMs)}x ai-sdk`,
      target: '< 1x ai-sdk',
      met: pictorMs < aiMs,
    },
    {
      scenario: 'footprint',
      metric: 'installed size (KB)',
      pictor: fmt(pictorBytes / 1024, 0),
      baseline: `ai-sdk ${fmt(aiBytes / 1024, 0)}`,
      ratio: `${fmt(pictorBytes / aiBytes)}x ai-sdk`,
      target: '< 1x ai-sdk',
      met: pictorBytes < aiBytes,
    },
  ];
}
