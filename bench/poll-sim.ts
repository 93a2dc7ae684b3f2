/**
 * A fast in-process model of polling (no timers, no HTTP): tasks with sampled durations,
 * read at the times nextReadAt plans from a sketch that learns from each finished task,
 * 20 in flight at a time.
 * Used to tune the presets before the real benchmark (bench/polling.ts); bench/poll-frontier.ts
 * gives the fewest reads any schedule needs for the same targets; bench/poll-seeds.ts runs this
 * model over many seeds. Left out here: the jitter of the first read (a SimVariant can add it),
 * client lag, the HTTP round trip.
 *   node --conditions=@pictor/source bench/poll-sim.ts
 */
import { DEFAULT_POLL, DurationSketch, POLL_PRESETS, type PollOptions } from '@pictor/core';
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

/** Variants of the model (bench/poll-seeds.ts): defaults are the plain simulation above. */
export interface SimVariant {
  /** A ready sketch to plan from (e.g. the true distribution, for an oracle) instead of a fresh one. */
  readonly sketch?: DurationSketch | undefined;
  /** False: the sketch never learns (an oracle's plan stays the true one). @default true */
  readonly learn?: boolean | undefined;
  /** Given: the first read is jittered as poll.ts does it (over `jitter` x its delay, centred; uniform draws in [0, 1)). */
  readonly random?: (() => number) | undefined;
}

/** The p-quantile of `values` (nearest rank). */
export const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] as number;
};

interface Active {
  readonly index: number;
  readonly start: number;
  readonly ms: number;
  next: number;
  last: number;
  reads: number;
}

/**
 * `warmup` tasks to learn, then `tasks` measured, `concurrency` in flight at a time as in
 * bench/polling.ts (a new task starts when one ends, so the sketch learns in completion order:
 * the slow tasks of a slowed-down provider arrive last). The typical duration seeds the sketch.
 */
export function simulate(spec: DurationSpec, typicalMs: number, options: PollOptions, warmup = 50, tasks = 200, offset = 0, sketchOptions: DurationSketchOptions = {}, concurrency = 20, variant: SimVariant = {}): SimResult {
  const sketch = variant.sketch ?? new DurationSketch(typicalMs, sketchOptions);
  const settings = readPlanSettings(options, typicalMs);
  const total = warmup + tasks;
  const extras: number[] = [];
  let reads = 0;
  let started = 0;
  const active: Active[] = [];
  const launch = (at: number) => {
    const index = started++;
    active.push({ index, start: at, ms: durationAt(spec, offset + index), next: at + firstReadAt(sketch, settings) * (variant.random ? 1 + (options.jitter ?? DEFAULT_POLL.jitter) * (variant.random() - 0.5) : 1), last: 0, reads: 0 });
  };
  for (let i = 0; i < Math.min(concurrency, total); i++) launch(0);
  while (active.length > 0) {
    let k = 0;
    for (let i = 1; i < active.length; i++) if ((active[i] as Active).next < (active[k] as Active).next) k = i;
    const task = active[k] as Active;
    const now = task.next;
    const elapsed = now - task.start;
    task.reads++;
    if (elapsed < task.ms) {
      task.last = elapsed;
      task.next = task.start + nextReadAt(sketch, elapsed, settings);
      continue;
    }
    if (variant.learn !== false) sketch.observe(task.last, elapsed);
    if (task.index >= warmup) {
      extras.push(elapsed - task.ms);
      reads += task.reads;
    }
    active.splice(k, 1);
    if (started < total) launch(now);
  }
  return { reads: reads / tasks, p50: pct(extras, 0.5), p90: pct(extras, 0.9) };
}

export function fixed(spec: DurationSpec, interval: number, tasks = 200, offset = 50): SimResult {
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
