/**
 * When to read a task's status next, from the learned distribution of its duration.
 *
 * Extra latency only matters for the tasks that end between two reads, and every read
 * is paid by every task still running, so reads belong where completions are likely:
 * - the first read waits until a share `readQuantile` of tasks is usually done (reading
 *   earlier costs every task a read to catch very few);
 * - after it, the next read is `spacingMs` away (a share of the model's typical duration, not
 *   of the learned one: a provider that slows down 2x must not double the user's extra
 *   latency), or sooner when
 *   the conditional distribution says twice `readQuantile` of the still-running tasks finish
 *   before that (so a narrow distribution is read densely where it is dense);
 * - beyond the learned `tailQuantile` (a task slower than nearly all seen), the gap grows
 *   with the time spent there, up to `maxIntervalMs`: a stuck task costs few reads.
 * The presets are points on this latency/reads trade-off (bench/polling.ts measures them).
 */
import type { DurationSketch } from './durations.ts';

export interface ReadPlanSettings {
  readonly readQuantile: number;
  /** Largest gap between reads in the bulk of the distribution. */
  readonly spacingMs: number;
  readonly tailQuantile: number;
  readonly tailRatio: number;
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
}

/** Time since submission (ms) of a task's first read. */
export function firstReadAt(sketch: DurationSketch, settings: ReadPlanSettings): number {
  return sketch.quantile(settings.readQuantile);
}

/**
 * Time since submission (ms) at which to read next, given a read sent at `elapsedMs` saw the task
 * still running. (No first-read logic here: a first read that jitter made early must not be
 * followed at once by another.)
 */
export function nextReadAt(sketch: DurationSketch, elapsedMs: number, settings: ReadPlanSettings): number {
  const clamp = (gap: number) => Math.min(settings.maxIntervalMs, Math.max(settings.minIntervalMs, gap));
  const spacing = settings.spacingMs;
  const tailStart = sketch.quantile(settings.tailQuantile);
  if (elapsedMs >= tailStart) return elapsedMs + clamp(Math.max(spacing, settings.tailRatio * (elapsedMs - tailStart)));
  const done = sketch.cdf(elapsedMs);
  const conditional = sketch.quantile(done + 2 * settings.readQuantile * (1 - done)) - elapsedMs;
  return elapsedMs + clamp(Math.min(spacing, conditional));
}
