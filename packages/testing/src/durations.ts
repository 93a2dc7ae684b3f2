/**
 * Task durations for the emulator and benchmarks: seeded log-normal draws around a
 * median, optionally with a median that drifts during a run (a provider slowing down
 * or speeding up). Task i always gets the same duration for the same spec.
 */
export interface DurationSpec {
  /** Median task duration in ms. */
  readonly medianMs: number;
  /** Log-normal spread (0 = every task takes the median). */
  readonly sigma: number;
  readonly seed: number;
  /**
   * The median is multiplied by `factor` from task `from` on, reached linearly by task `to`
   * (from = to: a step). Default: no drift.
   */
  readonly drift?: { readonly factor: number; readonly from: number; readonly to: number } | undefined;
}

/** Seeded uniform in (0, 1) for task `index` (mulberry32 keyed by seed and index). */
function uniforms(seed: number, index: number): () => number {
  let a = (seed + index * 0x9e3779b9) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
}

/** The median in force for task `index` under the spec's drift. */
export function medianAt(spec: DurationSpec, index: number): number {
  const drift = spec.drift;
  if (!drift || index < drift.from) return spec.medianMs;
  const share = drift.to <= drift.from ? 1 : Math.min(1, (index - drift.from) / (drift.to - drift.from));
  return spec.medianMs * (1 + (drift.factor - 1) * share);
}

/** Duration of task `index` in ms. */
export function durationAt(spec: DurationSpec, index: number): number {
  const next = uniforms(spec.seed, index);
  const normal = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  return medianAt(spec, index) * Math.exp(spec.sigma * normal);
}
