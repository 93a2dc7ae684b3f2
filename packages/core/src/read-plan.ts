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
 * - the first read is at a learned quantile (a few percent), one of `PLAN_MARGINS.sacrifices`;
 * - from there to the learned `tailQuantile`, each bin of the sketch gets a gap: a little over the
 *   p50 target in the highest-hazard bins, the p90 target elsewhere;
 * - which first-read quantile, which dense gap and how many dense bins are chosen by exact
 *   evaluation of the candidates on the sketch's bins (expected reads, and the share of tasks
 *   within each target, as bench/poll-frontier.ts evaluates a schedule): the fewest reads that
 *   reach the targets' shares plus a margin for what the sketch has not learned yet;
 * - past `tailQuantile` (a task slower than nearly all seen), the gap grows with the time spent
 *   there, up to `maxIntervalMs`: a stuck task costs few reads.
 * The targets are fixed ms (shares of the model's typical duration, not the learned one): a provider
 * that slows down 2x must not double the user's extra latency. The plan is computed once per sketch
 * revision and shared by every task of the model.
 */
import { DurationSketch, SKETCH_LAYOUT, binPosition, binStartMs, cdfFunction } from './durations.ts';

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
 * What the plan asks of the learned distribution, evaluated exactly on the sketch's bins: at least
 * `p50Share` of tasks within the p50 target and `p90Share` within the p90 target, in expectation.
 * The shares sit above 0.5 / 0.9 by a margin that shrinks as the sketch's effective sample size n
 * (its decayed weight, prior included) grows: `z` standard errors of a share p, sqrt(p(1-p)/n),
 * plus a floor. A fresh sketch (the prior alone, n = 4) plans with wide margins; a well-learned one
 * (n ~ 35 at the default half-life) closer to the frontier (bench/poll-frontier.ts). Candidates:
 * the first read at each `sacrifices` quantile, dense gaps of each `denseStretch` x the p50 target
 * (the frontier's dense gap is ~1.2x it: a slightly wider gap over more bins is cheaper than the
 * target gap over fewer). Calibrated in bench/poll-seeds.ts (`30 --jitter`: sigma 0.5, 30 seeds, 50
 * warm-up + 200 tasks, first-read jitter): balanced reads a median 0.280x a 500 ms poller's at p50
 * 565 ms / p90 1147 ms and meets all of issue 19's bars in 24 of 30 seeds; eager 0.619x at 243 / 586
 * ms, 5 of 30 (the frontier's own schedule, knowing the distribution: 0.268x, 17 of 30, and 0.588x,
 * 6 of 30: the bars sit within one run's sampling noise of it). A larger floor on the p50 share
 * trades balanced's read slack for p50 hits without raising its share meeting all bars (0.025:
 * 23/30; 0.04: 21/30).
 * A build walks ~150 candidate schedules: ~0.5 ms for glm-image-like durations, ~2-4 ms for a
 * very wide sketch or a 300-s model at eager targets (2 cores, AMD EPYC), once per sketch revision.
 */
export const PLAN_MARGINS = {
  p50Share: 0.5,
  p90Share: 0.9,
  floor: 0.01,
  z: 0.1,
  sacrifices: [0.04, 0.06, 0.07, 0.08, 0.09, 0.1],
  denseStretch: [1, 1.15, 1.3],
} as const;

/** When to read: what a plan and each candidate the build scores have in common. */
interface Schedule {
  readonly firstMs: number;
  readonly tailStartMs: number;
  /** The gap (ms) where reads are not dense: the p90 target, never under the p50 one. */
  readonly p90Gap: number;
  /** Gap (ms) after a read in each sketch bin. */
  readonly gaps: Float64Array;
}

/** A plan for one sketch revision and one set of settings. */
interface Plan extends Schedule {
  readonly revision: number;
  /** A copy of the settings it was built for (the cache's key). */
  readonly settings: ReadPlanSettings;
}

const plans = new WeakMap<DurationSketch, Plan[]>();

/** Whether a plan was built for these settings: every field the build reads (targets, tail, clamps). */
function builtFor(plan: Plan, settings: ReadPlanSettings): boolean {
  const s = plan.settings;
  return (
    s.p50Ms === settings.p50Ms &&
    s.p90Ms === settings.p90Ms &&
    s.tailQuantile === settings.tailQuantile &&
    s.tailRatio === settings.tailRatio &&
    s.minIntervalMs === settings.minIntervalMs &&
    s.maxIntervalMs === settings.maxIntervalMs
  );
}

/** The cached plan for this sketch and settings, rebuilt when the sketch has learned since. */
function planFor(sketch: DurationSketch, settings: ReadPlanSettings): Plan {
  let list = plans.get(sketch);
  if (!list) plans.set(sketch, (list = []));
  for (let i = 0; i < list.length; i++) {
    const p = list[i] as Plan;
    if (builtFor(p, settings)) {
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

/** Time since submission (ms) of the read after one at `elapsedMs` that saw the task running. */
function readAfter(plan: Schedule, elapsedMs: number, settings: ReadPlanSettings): number {
  const gap =
    elapsedMs >= plan.tailStartMs
      ? Math.max(plan.p90Gap, settings.tailRatio * (elapsedMs - plan.tailStartMs))
      : (plan.gaps[Math.min(SKETCH_LAYOUT.bins - 1, Math.floor(binPosition(elapsedMs)))] as number);
  return elapsedMs + Math.min(settings.maxIntervalMs, Math.max(settings.minIntervalMs, gap));
}

/**
 * Reads walked per candidate plan: enough to cross the learned span at the plan's shortest gap
 * (several hundred for glm-image-like durations, more for a slow model read at tight targets), but
 * never more than MAX_SCORED_READS, which bounds a build's cost for a hostile or very wide sketch.
 */
const MAX_SCORED_READS = 20_000;
function scoredReads(spanMs: number, settings: ReadPlanSettings): number {
  const shortestGap = Math.max(1, settings.minIntervalMs, settings.p50Ms);
  return Math.min(MAX_SCORED_READS, 400 + Math.ceil(spanMs / shortestGap));
}

/**
 * Expected reads per task, and shares of tasks within each target, of a plan under CDF `F` (exact).
 * Given `p50Goal`, the walk stops as soon as the p50 share is known to reach it or to fall short.
 */
function score(plan: Schedule, settings: ReadPlanSettings, F: (ms: number) => number, p50Goal?: number): { reads: number; p50: number; p90: number } {
  const { p50Ms: a, p90Ms: b } = settings;
  let t = plan.firstMs;
  let [prev, before, reads, p50, p90] = [0, 0, 0, 0, 0];
  // A read at t is paid by the tasks running at the previous read; a task ending in (prev, t] waits t - end.
  // Tasks still running after the walk's last read (see scoredReads) count as missing both targets.
  const walk = scoredReads(plan.tailStartMs - plan.firstMs, settings);
  for (let k = 0; k < walk; k++) {
    const done = F(t);
    reads += 1 - before;
    p50 += t - a > prev ? done - F(t - a) : done - before;
    p90 += t - b > prev ? done - F(t - b) : done - before;
    if (done > 1 - 1e-4 || (p50Goal !== undefined && (p50 >= p50Goal || p50 + 1 - done < p50Goal))) break;
    prev = t;
    before = done;
    t = readAfter(plan, t, settings);
  }
  return { reads, p50, p90 };
}

/** The shares the plan must reach on the learned distribution: targets plus a sample-size margin. */
export function requiredShares(effectiveTasks: number): { p50: number; p90: number } {
  const { p50Share, p90Share, floor, z } = PLAN_MARGINS;
  const margin = (p: number) => floor + z * Math.sqrt((p * (1 - p)) / Math.max(1, effectiveTasks));
  return { p50: Math.min(0.99, p50Share + margin(p50Share)), p90: Math.min(0.999, p90Share + margin(p90Share)) };
}

/**
 * The fewest-reads plan (on the learned distribution) among the candidates of PLAN_MARGINS that
 * reaches the required shares: for each first-read quantile and dense gap, the fewest dense bins
 * by hazard rank that reach the p50 share (binary search: more dense bins, more tasks within it).
 * When none reaches both, the one that reaches the p50 share nearest to the p90 share (dense reads
 * cannot help the p90 share: a low `tailQuantile` or a sketch too wide for the targets); when none
 * reaches even the p50 share, the densest candidate.
 */
function buildPlan(sketch: DurationSketch, settings: ReadPlanSettings): Plan {
  const { p50Ms: a, tailQuantile } = settings;
  const b = Math.max(a, settings.p90Ms);
  const total = sketch.total();
  const F = cdfFunction(sketch);
  const need = requiredShares(total);
  const tailStartMs = sketch.quantile(tailQuantile);
  const h = hazards(sketch.weights, total);
  const ranked = [...h.keys()].filter((i) => binStartMs(i) < tailStartMs).sort((x, y) => (h[y] as number) - (h[x] as number));
  // Candidates are scored in one scratch array (a build scores ~150 of them, once per sketch
  // revision); only the plan kept gets its own copy.
  const scratch = new Float64Array(SKETCH_LAYOUT.bins);
  const candidate = (firstMs: number, dense: readonly number[], n: number, gap: number): Schedule => {
    scratch.fill(b);
    for (let k = 0; k < n; k++) scratch[dense[k] as number] = gap;
    return { firstMs, tailStartMs, p90Gap: b, gaps: scratch };
  };
  const make = (firstMs: number, dense: readonly number[], n: number, gap: number): Plan => {
    const gaps = candidate(firstMs, dense, n, gap).gaps.slice();
    return { revision: sketch.revision, settings: { ...settings }, firstMs, tailStartMs, p90Gap: b, gaps };
  };
  // Nothing learned and no prior (an empty snapshot): every gap at the p50 target from the start.
  if (!(total > 0)) return make(0, ranked, ranked.length, a);
  type Found = { firstMs: number; dense: readonly number[]; n: number; gap: number; reads: number; p90: number };
  let best: Found | undefined;
  let nearest: Found | undefined;
  let densest: Plan | undefined;
  for (const s of PLAN_MARGINS.sacrifices) {
    const firstMs = sketch.quantile(s);
    const dense = ranked.filter((i) => binStartMs(i + 1) > firstMs);
    for (const stretch of PLAN_MARGINS.denseStretch) {
      const gap = Math.min(b, stretch * a);
      densest ??= make(firstMs, dense, dense.length, a);
      const reaches = (n: number) => score(candidate(firstMs, dense, n, gap), settings, F, need.p50).p50 >= need.p50;
      if (!reaches(dense.length)) continue;
      let [lo, hi] = [0, dense.length];
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (reaches(mid)) hi = mid;
        else lo = mid + 1;
      }
      const r = score(candidate(firstMs, dense, lo, gap), settings, F);
      const found = { firstMs, dense, n: lo, gap, reads: r.reads, p90: r.p90 };
      if (r.p90 >= need.p90 && (!best || r.reads < best.reads)) best = found;
      // Dense reads cannot raise the p90 share: when no candidate reaches it, the one nearest to it.
      if (!nearest || r.p90 > nearest.p90 || (r.p90 === nearest.p90 && r.reads < nearest.reads)) nearest = found;
    }
  }
  const chosen = best ?? nearest;
  return chosen ? make(chosen.firstMs, chosen.dense, chosen.n, chosen.gap) : (densest as Plan);
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
  return readAfter(planFor(sketch, settings), elapsedMs, settings);
}
