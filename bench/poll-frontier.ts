/**
 * The efficient frontier of polling for a known duration distribution: the fewest expected
 * status reads per task for which the extra latency's p50 <= a and p90 <= b.
 *
 * Exact evaluation, no sampling: for reads at t1 < t2 < ..., read k is sent only when the task
 * is still running at t(k-1), so E[reads] = sum_k S(t(k-1)) (t0 = 0), and a task that ends in
 * (t(k-1), tk] waits tk - T. The quantile constraints are not additive, their Lagrangian is:
 *   L = E[reads] + lambda * P(extra > a) + mu * P(extra > b)
 * sums over gaps, so a dynamic programme over a time grid finds the schedule minimising L for
 * each (lambda, mu). Every such schedule that meets the targets is an upper bound on the frontier;
 * min L - 0.5 lambda - 0.1 mu is a lower bound (weak duality). Both are printed.
 *   node bench/poll-frontier.ts
 */

export interface Distribution {
  readonly cdf: (ms: number) => number;
}

/** Log-normal with median `medianMs` and log-spread `sigma`. */
export function lognormal(medianMs: number, sigma: number): Distribution {
  return { cdf: (ms) => (ms <= 0 ? 0 : normalCdf(Math.log(ms / medianMs) / sigma)) };
}

function normalCdf(z: number): number {
  // Abramowitz-Stegun 7.1.26 on erf (error < 1.5e-7).
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

export interface Evaluation {
  readonly reads: number;
  /** P(extra <= x) for the schedule. */
  readonly within: (x: number) => number;
  readonly p50: number;
  readonly p90: number;
}

/** Exact reads and extra-latency quantiles of a read schedule (times since submission, ascending). */
export function evaluate(dist: Distribution, times: readonly number[]): Evaluation {
  const { reads, within } = coverage(dist, times);
  const quantile = (p: number) => {
    let lo = 0;
    let hi = 600_000;
    for (let k = 0; k < 40; k++) {
      const mid = (lo + hi) / 2;
      if (within(mid) >= p) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  return { reads, within, p50: quantile(0.5), p90: quantile(0.9) };
}

/** Expected reads and P(extra <= x) of a schedule. */
function coverage(dist: Distribution, times: readonly number[]): { reads: number; within: (x: number) => number } {
  let reads = 0;
  let prev = 0;
  for (const t of times) {
    reads += 1 - dist.cdf(prev);
    prev = t;
  }
  const within = (x: number) => {
    let sum = 0;
    let lo = 0;
    for (const t of times) {
      sum += Math.max(0, dist.cdf(t) - dist.cdf(Math.max(lo, t - x)));
      lo = t;
    }
    return sum;
  };
  return { reads, within };
}

interface Grid {
  readonly step: number;
  readonly times: Float64Array;
  readonly cdf: Float64Array;
}

function grid(dist: Distribution, step: number, horizon: number): Grid {
  const n = Math.ceil(horizon / step) + 1;
  const times = new Float64Array(n);
  const cdf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    times[i] = i * step;
    cdf[i] = dist.cdf(i * step);
  }
  return { step, times, cdf };
}

/** The schedule minimising reads + lambda P(extra > a) + mu P(extra > b), and its L. */
function solve(g: Grid, a: number, b: number, lambda: number, mu: number, maxGap: number): { times: number[]; value: number } {
  const n = g.times.length;
  const value = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const from = new Int32Array(n).fill(-1);
  value[0] = 0;
  const gapSteps = Math.ceil(maxGap / g.step);
  const aSteps = Math.round(a / g.step);
  const bSteps = Math.round(b / g.step);
  for (let j = 1; j < n; j++) {
    const la = j - aSteps > 0 ? (g.cdf[j - aSteps] as number) : 0;
    const lb = j - bSteps > 0 ? (g.cdf[j - bSteps] as number) : 0;
    let best = Number.POSITIVE_INFINITY;
    let arg = -1;
    for (let i = Math.max(0, j - gapSteps); i < j; i++) {
      const fi = g.cdf[i] as number;
      const v = (value[i] as number) + 1 - fi + lambda * Math.max(0, la - fi) + mu * Math.max(0, lb - fi);
      if (v < best) {
        best = v;
        arg = i;
      }
    }
    value[j] = best;
    from[j] = arg;
  }
  const tail = 1 - (g.cdf[n - 1] as number);
  const times: number[] = [];
  for (let j = n - 1; j > 0; j = from[j] as number) times.unshift(g.times[j] as number);
  return { times, value: (value[n - 1] as number) + (lambda + mu) * tail };
}

export interface FrontierPoint {
  /** Fewest reads found by a schedule meeting the targets (upper bound). */
  readonly reads: number;
  readonly p50: number;
  readonly p90: number;
  /** Weak-duality lower bound on the fewest reads. */
  readonly lowerBound: number;
  readonly times: number[];
}

/**
 * Schedules of the bang-bang shape the Lagrangian predicts: nothing before the p0-quantile, gap
 * gB up to the p1-quantile, gap gA up to the p2-quantile, gap gB again up to the 0.999-quantile,
 * then gaps growing by a quarter of the time spent there.
 */
export function shapedSchedule(dist: Distribution, p0: number, p1: number, p2: number, gA: number, gB: number): number[] {
  const q = (p: number) => {
    let lo = 0;
    let hi = 1e7;
    for (let k = 0; k < 50; k++) {
      const mid = (lo + hi) / 2;
      if (dist.cdf(mid) < p) lo = mid;
      else hi = mid;
    }
    return hi;
  };
  const [t1, t2, t3] = [q(p1), q(p2), q(0.999)];
  const times = [q(p0)];
  for (let t = times[0] as number; t < 10 * t3; ) {
    t += t < t1 ? gB : t < t2 ? gA : t < t3 ? gB : Math.max(gB, 0.25 * (t - t3));
    times.push(t);
  }
  return times;
}

const meets = (dist: Distribution, times: readonly number[], a: number, b: number) => {
  const e = coverage(dist, times);
  return e.within(a) >= 0.5 && e.within(b) >= 0.9 ? e.reads : Number.POSITIVE_INFINITY;
};

/** Frontier point for targets p50 <= a, p90 <= b (ms). */
export function frontier(dist: Distribution, a: number, b: number, options: { step?: number; horizon?: number; maxGap?: number } = {}): FrontierPoint {
  const g = grid(dist, options.step ?? 50, options.horizon ?? 200_000);
  const dual = (lambda: number, mu: number) => solve(g, a, b, lambda, mu, options.maxGap ?? 20_000).value - 0.5 * lambda - 0.1 * mu;
  // The dual is concave in (lambda, mu): a pattern search finds its maximum.
  let [lambda, mu, step] = [40, 40, 32];
  let lowerBound = dual(lambda, mu);
  while (step >= 1) {
    let moved = false;
    for (const [dl, dm] of [[step, 0], [-step, 0], [0, step], [0, -step]] as const) {
      const [l, m] = [Math.max(0, lambda + dl), Math.max(0, mu + dm)];
      const v = dual(l, m);
      if (v > lowerBound + 1e-9) [lambda, mu, lowerBound, moved] = [l, m, v, true];
    }
    if (!moved) step /= 2;
  }
  let best = { reads: Number.POSITIVE_INFINITY, times: [] as number[] };
  for (const p0 of [0.02, 0.04, 0.06, 0.08, 0.1]) {
    for (const p1 of [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) {
      for (const p2 of [0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.999]) {
        if (p2 <= p1 || p1 < p0) continue;
        for (let gA = a; gA <= 2.2 * a; gA += a / 10) {
          for (let gB = gA; gB <= b * 1.01; gB += b / 20) {
            const times = shapedSchedule(dist, p0, p1, p2, gA, gB);
            const reads = meets(dist, times, a, b);
            if (reads < best.reads) best = { reads, times };
          }
        }
      }
    }
  }
  const e = evaluate(dist, best.times);
  return { reads: e.reads, p50: e.p50, p90: e.p90, lowerBound, times: best.times };
}

/** Expected reads of a fixed poller at `interval` ms: E[ceil(T / interval)]. */
export function fixedReads(dist: Distribution, interval: number, horizon = 600_000): number {
  let reads = 0;
  for (let t = 0; t < horizon; t += interval) reads += 1 - dist.cdf(t);
  return reads;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const targets = [
    ['eager', 250, 600],
    ['balanced', 600, 1200],
    ['frugal', 1200, 2400],
  ] as const;
  for (const sigma of [0.25, 0.5, 0.75]) {
    const dist = lognormal(20_000, sigma);
    const base = fixedReads(dist, 500);
    for (const [name, a, b] of targets) {
      const f = frontier(dist, a, b);
      const first = f.times[0] ?? 0;
      console.log(
        `sigma ${sigma} ${name} (p50<=${a}, p90<=${b}): reads ${f.reads.toFixed(2)} (${(f.reads / base).toFixed(3)}x of ${base.toFixed(1)}), ` +
          `lower bound ${f.lowerBound.toFixed(2)} (${(f.lowerBound / base).toFixed(3)}x); p50 ${f.p50.toFixed(0)} p90 ${f.p90.toFixed(0)}; ` +
          `first read ${first} ms (F=${dist.cdf(first).toFixed(3)}); gaps ${gapsSummary(dist, f.times)}`,
      );
    }
  }
}

/** The schedule's gaps by quantile band, e.g. "q.1-.3: 600". */
function gapsSummary(dist: Distribution, times: readonly number[]): string {
  const bands = [0.1, 0.3, 0.5, 0.7, 0.9, 0.97, 0.995];
  const out: string[] = [];
  let lo = 0;
  for (const hi of bands) {
    const gaps: number[] = [];
    for (let k = 1; k < times.length; k++) {
      const p = dist.cdf(times[k - 1] as number);
      if (p >= lo && p < hi) gaps.push((times[k] as number) - (times[k - 1] as number));
    }
    if (gaps.length > 0) out.push(`q${lo}-${hi}: ${Math.min(...gaps)}-${Math.max(...gaps)}`);
    lo = hi;
  }
  return out.join(', ');
}
