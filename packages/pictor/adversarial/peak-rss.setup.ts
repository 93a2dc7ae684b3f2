/**
 * Runs in every adversarial test file (vitest setupFiles): after the file's hostile cases, the
 * peak resident memory of its process must have stayed under 300 MB. maxRSS is the high-water
 * mark of the whole process, so a body that was buffered and freed still counts.
 */
import { afterAll, expect } from 'vitest';

export const PEAK_RSS_LIMIT_MB = 300;

afterAll(() => {
  const peakMb = process.resourceUsage().maxRSS / 1024;
  expect(peakMb, `peak RSS ${peakMb.toFixed(0)} MB`).toBeLessThan(PEAK_RSS_LIMIT_MB);
});
