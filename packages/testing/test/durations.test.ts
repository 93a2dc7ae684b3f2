import { describe, expect, it } from 'vitest';
import { durationAt, medianAt, type DurationSpec } from '../src/index.ts';

describe('emulator durations', () => {
  const spec: DurationSpec = { medianMs: 2000, sigma: 0.5, seed: 7 };

  it('draws the same log-normal duration for the same task, around the median', () => {
    expect(durationAt(spec, 17)).toBe(durationAt(spec, 17));
    const draws = Array.from({ length: 2001 }, (_, i) => durationAt(spec, i)).sort((a, b) => a - b);
    expect(draws[1000]! / 2000).toBeGreaterThan(0.93);
    expect(draws[1000]! / 2000).toBeLessThan(1.07);
    // sigma 0.5: the 90th percentile is e^(0.5 x 1.28) = 1.9x the median.
    expect(draws[1800]! / draws[1000]!).toBeGreaterThan(1.7);
    expect(draws[1800]! / draws[1000]!).toBeLessThan(2.1);
    expect(durationAt({ ...spec, sigma: 0 }, 3)).toBe(2000);
  });

  it('drifts the median as a step or a ramp', () => {
    const step: DurationSpec = { ...spec, drift: { factor: 2, from: 50, to: 50 } };
    expect(medianAt(step, 49)).toBe(2000);
    expect(medianAt(step, 50)).toBe(4000);
    expect(durationAt(step, 60)).toBeCloseTo(2 * durationAt(spec, 60), 6);
    const ramp: DurationSpec = { ...spec, drift: { factor: 0.5, from: 0, to: 100 } };
    expect(medianAt(ramp, 50)).toBe(1500);
    expect(medianAt(ramp, 1000)).toBe(1000);
  });
});
