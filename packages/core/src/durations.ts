/**
 * Learned task durations: a small streaming quantile sketch per provider+model.
 *
 * A fixed log-spaced histogram (BINS weights, 100 ms to ~15 min, 10% wide) with
 * exponential decay per observation, rather than a reservoir: memory is fixed and
 * tiny, two sketches merge by adding weights (so a fleet can share one), and an
 * observation known only as an interval ("done between the last two reads") is
 * spread over the bins it covers, which a reservoir of points cannot express.
 * Decay (default half-life 24 tasks) lets a provider that slows down or speeds up
 * move the quantiles within tens of tasks. The sketch starts from a log-normal
 * prior around the model's typicalDurationMs, worth a few tasks, that decays too.
 */
import { z } from 'zod';
import { zodError } from './request.ts';

/** Bin i covers [MIN_MS * RATIO^i, MIN_MS * RATIO^(i+1)); out-of-range times fall in the end bins. */
export const SKETCH_LAYOUT = { minMs: 100, ratio: 1.1, bins: 96 } as const;
const LOG_RATIO = Math.log(SKETCH_LAYOUT.ratio);
const LOG_MIN = Math.log(SKETCH_LAYOUT.minMs);

export interface DurationSketchOptions {
  /** Tasks after which an observation weighs half as much. @default 24 */
  readonly halfLifeTasks?: number | undefined;
  /** How many tasks' worth the typicalDurationMs prior weighs at the start. @default 4 */
  readonly priorWeight?: number | undefined;
  /** Log-normal spread assumed by the prior. @default 0.5 */
  readonly priorSigma?: number | undefined;
}

export const sketchSnapshotSchema = z
  .object({
    version: z.literal(1),
    minMs: z.literal(SKETCH_LAYOUT.minMs),
    ratio: z.literal(SKETCH_LAYOUT.ratio),
    weights: z.array(z.number().finite().nonnegative().max(1e9)).length(SKETCH_LAYOUT.bins),
    observations: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  })
  .strict();

export type DurationSketchSnapshot = z.infer<typeof sketchSnapshotSchema>;

/** Position of `ms` in bin units (bin i spans [i, i+1)), clamped to the layout. */
export function binPosition(ms: number): number {
  if (!(ms > SKETCH_LAYOUT.minMs)) return 0;
  return Math.min(SKETCH_LAYOUT.bins, (Math.log(ms) - LOG_MIN) / LOG_RATIO);
}

const binTime = (position: number) => Math.exp(LOG_MIN + position * LOG_RATIO);

/** Start (ms) of bin i; binStartMs(i + 1) is its end. */
export const binStartMs = (i: number): number => binTime(i);

export class DurationSketch {
  /** One weight per bin; decayed on each observation. */
  readonly weights = new Float64Array(SKETCH_LAYOUT.bins);
  /** Observations recorded (prior excluded), for diagnostics. */
  observations = 0;
  /** Bumped on every change, so plans derived from the sketch know when to recompute. */
  revision = 0;
  private readonly decay: number;

  constructor(typicalDurationMs: number, options: DurationSketchOptions = {}) {
    this.decay = 2 ** (-1 / Math.max(1, options.halfLifeTasks ?? 24));
    const weight = Math.max(0, options.priorWeight ?? 4);
    const sigma = Math.max(0.05, options.priorSigma ?? 0.5);
    const center = binPosition(Math.max(1, typicalDurationMs));
    // Discretised log-normal: the bin width in log space is LOG_RATIO, so sigma in bins is sigma / LOG_RATIO.
    const spread = sigma / LOG_RATIO;
    let sum = 0;
    for (let i = 0; i < this.weights.length; i++) sum += this.weights[i] = Math.exp(-0.5 * ((i + 0.5 - center) / spread) ** 2);
    if (sum > 0) for (let i = 0; i < this.weights.length; i++) this.weights[i] = ((this.weights[i] as number) / sum) * weight;
  }

  /** Total weight (decayed task count, prior included). */
  total(): number {
    let sum = 0;
    for (const w of this.weights) sum += w;
    return sum;
  }

  /** Share of the weight in [0, ms]: the learned probability that a task is done by `ms`. */
  cdf(ms: number): number {
    const total = this.total();
    return total > 0 ? this.massBelow(binPosition(ms)) / total : 0;
  }

  /** The learned `p`-quantile of the duration, in ms (0 < p < 1). */
  quantile(p: number): number {
    const total = this.total();
    let target = Math.min(1, Math.max(0, p)) * total;
    for (let i = 0; i < this.weights.length; i++) {
      const w = this.weights[i] as number;
      if (w > 0 && target <= w) return binTime(i + target / w);
      target -= w;
    }
    return binTime(SKETCH_LAYOUT.bins);
  }

  /**
   * Records one completed task known to have ended in (loMs, hiMs] after submission (the
   * last read that saw it running, the read that saw it done); loMs = hiMs for a known time.
   * The weight goes where the sketch already expects completions in that interval (an EM
   * step for censored data), half of it spread evenly so a wrong prior can still move.
   */
  observe(loMs: number, hiMs: number): void {
    if (!Number.isFinite(hiMs) || hiMs < 0) return;
    const hi = binPosition(hiMs);
    // A task done before the first read: assume at most one octave earlier for the even half.
    const lo = Math.min(hi, binPosition(Math.max(loMs, 0)));
    const evenLo = Math.max(lo, hi - Math.log(2) / LOG_RATIO);
    const expected = this.massBelow(hi) - this.massBelow(lo);
    for (let i = 0; i < this.weights.length; i++) this.weights[i] = (this.weights[i] as number) * this.decay;
    const point = hi - lo < 1e-9;
    for (let i = Math.floor(lo); i <= Math.min(hi, SKETCH_LAYOUT.bins - 1); i++) {
      const even = point ? (i === Math.min(Math.floor(hi), SKETCH_LAYOUT.bins - 1) ? 1 : 0) : overlap(i, evenLo, hi) / Math.max(1e-9, hi - evenLo);
      const learned = expected > 0 && !point ? (this.decayedMassIn(i, lo, hi) / this.decay) / expected : even;
      this.weights[i] = (this.weights[i] as number) + 0.5 * even + 0.5 * learned;
    }
    this.observations++;
    this.revision++;
  }

  /** Adds another sketch's weights (e.g. a fleet's), as if its tasks had been seen here. */
  merge(other: DurationSketch | DurationSketchSnapshot): void {
    for (let i = 0; i < this.weights.length; i++) this.weights[i] = (this.weights[i] as number) + (other.weights[i] as number);
    this.observations += other.observations;
    this.revision++;
  }

  toJSON(): DurationSketchSnapshot {
    return { version: 1, minMs: SKETCH_LAYOUT.minMs, ratio: SKETCH_LAYOUT.ratio, weights: [...this.weights], observations: this.observations };
  }

  /** A sketch from a snapshot (untrusted: validated; a bad one is an invalid_request error). */
  static fromJSON(input: unknown, options: DurationSketchOptions = {}): DurationSketch {
    const sketch = new DurationSketch(1, { ...options, priorWeight: 0 });
    sketch.merge(parseSketchSnapshot(input));
    return sketch;
  }

  private massBelow(position: number): number {
    let sum = 0;
    const whole = Math.floor(position);
    for (let i = 0; i < Math.min(whole, this.weights.length); i++) sum += this.weights[i] as number;
    if (whole < this.weights.length) sum += (this.weights[whole] as number) * (position - whole);
    return sum;
  }

  /** Weight of bin i inside [lo, hi] (log-uniform within the bin), already decayed this round. */
  private decayedMassIn(i: number, lo: number, hi: number): number {
    return (this.weights[i] as number) * overlap(i, lo, hi);
  }
}

/**
 * The sketch's CDF as it is now, O(1) per call (prefix sums of the weights), for code that reads it
 * at many points at once (read-plan.ts scores whole schedules): the same log-uniform interpolation
 * within a bin as `cdf` (massBelow), without its walk over the bins on every call.
 */
export function cdfFunction(sketch: DurationSketch): (ms: number) => number {
  const w = sketch.weights;
  const below = new Float64Array(w.length + 1);
  for (let i = 0; i < w.length; i++) below[i + 1] = (below[i] as number) + (w[i] as number);
  const total = below[w.length] as number;
  if (!(total > 0)) return () => 0;
  return (ms) => {
    const x = binPosition(ms);
    const i = Math.min(w.length - 1, Math.floor(x));
    const lo = below[i] as number;
    return (lo + ((below[i + 1] as number) - lo) * (x - i)) / total;
  };
}

/** Length of [i, i+1) ∩ [lo, hi] in bin units. */
function overlap(i: number, lo: number, hi: number): number {
  return Math.max(0, Math.min(i + 1, hi) - Math.max(i, lo));
}

export function parseSketchSnapshot(input: unknown): DurationSketchSnapshot {
  const parsed = sketchSnapshotSchema.safeParse(input);
  if (!parsed.success) {
    throw zodError(`Invalid duration sketch snapshot (expected version 1, ${SKETCH_LAYOUT.bins} finite non-negative weights)`, parsed.error);
  }
  return parsed.data;
}
