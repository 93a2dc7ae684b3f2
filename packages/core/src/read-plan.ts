/**
 * When to read a task's status next, from the learned distribution of its duration, for targets
 * on the extra latency's median (p50) and 90th percentile (p90).
 *
 * Why this shape (bench/poll-frontier.ts computes the exact optimum it approximates): a read at
 * time t is paid by every task still running, S(t), and a task ending inside a gap g waits
 * uniformly in [0, g], so P(extra <= x) = x / g there. Both the benefit and the cost of a gap scale
 * as 1/g, so the optimal density of reads is bang-bang: gaps of the p50 target where the hazard
 * f(t)/S(t) is highest (a read there catches many completions for few tasks paying), gaps of the
 * p90 target where it is lower, and no read at all where it is lowest -- which for task durations
 * is the start: the first share of tasks (below 10%, which the p90 target allows) wait for the
 * first read. So:
 * - the first read is at the learned `PLAN_MARGINS.sacrifice` quantile;
 * - from there to the learned `tailQuantile`, each bin of the sketch gets a gap: the p50 target in
 *   the highest-hazard bins, enough of them (by mass) that half the tasks meet the p50 target with
 *   margin, counting the share a/b of the others that meet it by chance; the p90 target elsewhere;
 * - past `tailQuantile` (a task slower than nearly all seen), the gap grows with the time spent
 *   there, up to `maxIntervalMs`: a stuck task costs few reads.
 * The targets are fixed ms (shares of the model's typical duration, not the learned one): a provider
 * that slows down 2x must not double the user's extra latency. The plan is computed once per sketch
 * revision and shared by every task of the model.
 */
import { DurationSketch, SKETCH_LAYOUT, binPosition, binStartMs } from './durations.ts';

export interface ReadPlanSettings {
  /** Target for the median extra latency (ms). */
  readonly p50Ms: number;
  /** Target for the 90th percentile of the extra latency (ms). */
  readonly p90Ms: number;
  readonly tailQuantile: number;
  readonly tailRatio: number;
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
}

/**
 * Margins of the plan against its targets, for a learned distribution that is a little off: the
 * first read comes when 8.5% (not 10%) of tasks are usually done; the p50 share has no margin (50%):
 * the a/b share of tasks outside the dense bins that meet the p50 target by chance already leaves
 * the median under its target in simulation. They are thin on purpose: for glm-image-like durations
 * the targets sit within 3-10% of the fewest reads that can meet them at all
 * (bench/poll-frontier.ts), and every point of margin is paid in reads. With these, balanced in
 * bench/poll-sim.ts (sigma 0.5, seeds 7/11/13, 20 tasks in flight) reads 0.281-0.289x a 500 ms
 * poller's at p50 0.52-0.57 s and p90 1.10-1.15 s, and 0.285x / 0.305x after a 2x / 0.5x drift.
 * Jitter only shortens gaps, so it needs none.
 */
export const PLAN_MARGINS = { sacrifice: 0.085, p90Gap: 1, p50Share: 0.5 } as const;

/** A plan for one sketch revision and one pair of targets. */
interface Plan {
  readonly revision: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly tailQuantile: number;
  readonly firstMs: number;
  readonly tailStartMs: number;
  /** The gap (ms) where reads are not dense: the p90 target (with its margin), never under the p50 one. */
  readonly p90Gap: number;
  /** Gap (ms) after a read in each sketch bin. */
  readonly gaps: Float64Array;
}

const plans = new WeakMap<DurationSketch, Plan[]>();

/** The cached plan for this sketch and settings, rebuilt when the sketch has learned since. */
function planFor(sketch: DurationSketch, settings: ReadPlanSettings): Plan {
  let list = plans.get(sketch);
  if (!list) plans.set(sketch, (list = []));
  for (let i = 0; i < list.length; i++) {
    const p = list[i] as Plan;
    if (p.p50Ms === settings.p50Ms && p.p90Ms === settings.p90Ms && p.tailQuantile === settings.tailQuantile) {
      if (p.revision === sketch.revision) return p;
      list.splice(i, 1);
      break;
    }
  }
  const plan = buildPlan(sketch, settings);
  // A handful of presets per model at most; a caller cycling targets cannot grow this unboundedly.
  if (list.length >= 8) list.shift();
  list.push(plan);
  return plan;
}

/** Smoothed hazard of each bin: completions per ms among the tasks still running (5-bin window). */
function hazards(weights: Float64Array, total: number): Float64Array {
  const out = new Float64Array(weights.length);
  let before = 0;
  for (let i = 0; i < weights.length; i++) {
    const lo = Math.max(0, i - 2);
    const hi = Math.min(weights.length - 1, i + 2);
    let mass = 0;
    for (let j = lo; j <= hi; j++) mass += weights[j] as number;
    const running = total - before - 0.5 * (weights[i] as number);
    out[i] = running > 0 ? mass / (binStartMs(hi + 1) - binStartMs(lo)) / running : 0;
    before += weights[i] as number;
  }
  return out;
}

function buildPlan(sketch: DurationSketch, settings: ReadPlanSettings): Plan {
  const { p50Ms: a, tailQuantile } = settings;
  const b = Math.max(a, settings.p90Ms * PLAN_MARGINS.p90Gap);
  const firstMs = sketch.quantile(PLAN_MARGINS.sacrifice);
  const tailStartMs = sketch.quantile(tailQuantile);
  const weights = sketch.weights;
  const total = sketch.total();
  const gaps = new Float64Array(SKETCH_LAYOUT.bins).fill(b);
  // Tasks read at gap b meet the p50 target with probability a/b; the rest of the p50 share must
  // come from bins read at gap a: massA + (covered - massA) * a/b >= p50Share.
  const ratio = a / b;
  const covered = tailQuantile - PLAN_MARGINS.sacrifice;
  let needed = ratio < 1 ? (PLAN_MARGINS.p50Share - covered * ratio) / (1 - ratio) : 0;
  if (total > 0 && needed > 0) {
    const h = hazards(weights, total);
    const order = [...h.keys()].filter((i) => binStartMs(i + 1) > firstMs && binStartMs(i) < tailStartMs).sort((x, y) => (h[y] as number) - (h[x] as number));
    for (const i of order) {
      if (needed <= 0) break;
      gaps[i] = a;
      needed -= (weights[i] as number) / total;
    }
  }
  return { revision: sketch.revision, p50Ms: settings.p50Ms, p90Ms: settings.p90Ms, tailQuantile, firstMs, tailStartMs, p90Gap: b, gaps };
}

/** Time since submission (ms) of a task's first read. */
export function firstReadAt(sketch: DurationSketch, settings: ReadPlanSettings): number {
  return Math.max(0, planFor(sketch, settings).firstMs);
}

/**
 * Time since submission (ms) at which to read next, given a read sent at `elapsedMs` saw the task
 * still running. (No first-read logic here: a first read that jitter made early must not be
 * followed at once by another.)
 */
export function nextReadAt(sketch: DurationSketch, elapsedMs: number, settings: ReadPlanSettings): number {
  const clamp = (gap: number) => Math.min(settings.maxIntervalMs, Math.max(settings.minIntervalMs, gap));
  const plan = planFor(sketch, settings);
  if (elapsedMs >= plan.tailStartMs) return elapsedMs + clamp(Math.max(plan.p90Gap, settings.tailRatio * (elapsedMs - plan.tailStartMs)));
  const gap = plan.gaps[Math.min(SKETCH_LAYOUT.bins - 1, Math.floor(binPosition(elapsedMs)))] as number;
  return elapsedMs + clamp(gap);
}
