/** Deterministic log-normal samples for the duration and read-plan tests. */

/** Deterministic log-normal sample: the (i + 0.5) / n quantiles (inverse normal by bisection on erf-free Phi). */
export function lognormalGrid(medianMs: number, sigma: number, n: number): number[] {
  const phi = (z: number) => {
    // Abramowitz-Stegun 26.2.17, ample for a test grid.
    const t = 1 / (1 + 0.2316419 * Math.abs(z));
    const d = 0.3989423 * Math.exp((-z * z) / 2);
    const p = d * t * (0.3193815 + t * (-0.3565638 + t * (1.781478 + t * (-1.821256 + t * 1.330274))));
    return z > 0 ? 1 - p : p;
  };
  return Array.from({ length: n }, (_, i) => {
    let lo = -8;
    let hi = 8;
    for (let k = 0; k < 60; k++) {
      const mid = (lo + hi) / 2;
      if (phi(mid) < (i + 0.5) / n) lo = mid;
      else hi = mid;
    }
    return medianMs * Math.exp(sigma * lo);
  });
}

/** Interleaves a sorted sample so a decaying sketch sees no trend. */
export const shuffled = (values: number[]) => values.map((v, i) => [((i * 7919) % values.length) as number, v] as const).sort((a, b) => a[0] - b[0]).map(([, v]) => v);
