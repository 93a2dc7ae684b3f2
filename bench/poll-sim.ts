/**
 * A fast in-process model of polling (no timers, no HTTP): tasks with sampled durations,
 * read at the times nextReadAt plans from a sketch that learns from each finished task.
 * Used to tune the presets before the real benchmark (bench/polling.ts).
 *   node --conditions=@pictor/source bench/poll-sim.ts
 */
import { DurationSketch, POLL_PRESETS, type PollOptions } from '@pictor/core';
import type { DurationSketchOptions } from '../packages/core/src/durations.ts';
// Internals of the learned plan (not public API): the simulation drives them directly.
import { readPlanSettings } from '../packages/core/src/poll.ts';
import { firstReadAt, nextReadAt } from '../packages/core/src/read-plan.ts';
import { durationAt, type DurationSpec } from '@pictor/testing';

export interface SimResult {
  readonly reads: number;
  readonly p50: number;
  readonly p90: number;
}

const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] as number;
};

/** Reads and extra latency of one task of duration `ms` under the current sketch; learns from it. */
function runTask(sketch: DurationSketch, ms: number, options: PollOptions, learn: boolean, typicalMs: number): { reads: number; extra: number } {
  const settings = readPlanSettings(options, typicalMs);
  let t = firstReadAt(sketch, settings);
  let last = 0;
  let reads = 0;
  for (;;) {
    if (reads > 0) t = nextReadAt(sketch, t, settings);
    reads++;
    if (t >= ms) break;
    last = t;
  }
  if (learn) sketch.observe(last, t);
  return { reads, extra: t - ms };
}

/** `warmup` tasks to learn, then `tasks` measured; the typical duration seeds the sketch. */
export function simulate(spec: DurationSpec, typicalMs: number, options: PollOptions, warmup = 50, tasks = 200, offset = 0, sketchOptions: DurationSketchOptions = {}): SimResult {
  const sketch = new DurationSketch(typicalMs, sketchOptions);
  for (let i = 0; i < warmup; i++) runTask(sketch, durationAt(spec, offset + i), options, true, typicalMs);
  const extras: number[] = [];
  let reads = 0;
  for (let i = 0; i < tasks; i++) {
    const r = runTask(sketch, durationAt(spec, offset + warmup + i), options, true, typicalMs);
    extras.push(r.extra);
    reads += r.reads;
  }
  return { reads: reads / tasks, p50: pct(extras, 0.5), p90: pct(extras, 0.9) };
}

function fixed(spec: DurationSpec, interval: number, tasks = 200, offset = 50): SimResult {
  const extras: number[] = [];
  let reads = 0;
  for (let i = 0; i < tasks; i++) {
    const ms = durationAt(spec, offset + i);
    const n = Math.ceil(ms / interval);
    reads += n;
    extras.push(n * interval - ms);
  }
  return { reads: reads / tasks, p50: pct(extras, 0.5), p90: pct(extras, 0.9) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const extra = process.argv[2] ? (JSON.parse(process.argv[2]) as Record<string, PollOptions>) : {};
  const settings: Record<string, PollOptions> = { ...POLL_PRESETS, ...extra };
  for (const sigma of [0.25, 0.5, 0.75]) {
    for (const seed of [7, 11, 13]) {
      const spec: DurationSpec = { medianMs: 20_000, sigma, seed };
      const base = fixed(spec, 500);
      const line = Object.entries(settings).map(([name, o]) => {
        const r = simulate(spec, 20_000, o);
        return `${name} ${(r.reads / base.reads).toFixed(3)}x ${(r.p50 / 1000).toFixed(2)}/${(r.p90 / 1000).toFixed(2)}`;
      });
      console.log(`s${sigma} seed${seed} fixed ${base.reads.toFixed(1)} ${(base.p50 / 1000).toFixed(2)}/${(base.p90 / 1000).toFixed(2)} | ${line.join(' | ')}`);
    }
  }
  // A median that doubles (or halves) after 50 tasks, measured from 50 tasks later.
  for (const factor of [2, 0.5]) {
    const spec: DurationSpec = { medianMs: 20_000, sigma: 0.5, seed: 7, drift: { factor, from: 50, to: 50 } };
    const base = fixed(spec, 500, 200, 100);
    const line = Object.entries(settings).map(([name, o]) => {
      const r = simulate(spec, 20_000, o, 100, 200);
      return `${name} ${(r.reads / base.reads).toFixed(3)}x ${(r.p50 / 1000).toFixed(2)}/${(r.p90 / 1000).toFixed(2)}`;
    });
    console.log(`drift ${factor}x fixed ${base.reads.toFixed(1)} ${(base.p50 / 1000).toFixed(2)}/${(base.p90 / 1000).toFixed(2)} | ${line.join(' | ')}`);
  }
}
