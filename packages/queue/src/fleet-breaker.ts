/**
 * A breaker shared by the whole fleet through BullMQ's queue-wide rate limit: when the provider
 * refuses submits (after failover, if configured, ran out of candidates), this worker pauses job
 * starts for *every* worker of the queue, and the job goes back to wait without using an attempt.
 *
 * - a `rate_limited` refusal with a Retry-After pauses the fleet for that long, at once;
 * - `failureThreshold` consecutive availability failures pause it for `cooldownMs`.
 * Only submits that provably created nothing count: an ambiguous one is never requeued.
 */
import { z } from 'zod';
import type { PictorError } from 'pictor';

export const FleetBreakerSchema = z
  .object({
    /**
     * Consecutive availability failures (provider_unavailable, rate_limited, network, timeout) of
     * this worker's submits that pause the fleet.
     * @default 3
     */
    failureThreshold: z.number().int().positive().default(3),
    /**
     * How long the fleet pauses (ms); a Retry-After from the provider is used instead when given.
     * @default 30000
     */
    cooldownMs: z.number().int().positive().default(30_000),
  })
  .strict();

export type FleetBreakerOptions = z.input<typeof FleetBreakerSchema>;

const AVAILABILITY = new Set(['provider_unavailable', 'rate_limited', 'network', 'timeout']);

export interface FleetBreaker {
  /** Returns the pause (ms) to apply to the fleet for this refused submit, or 0 to fail as usual. */
  pauseFor(error: PictorError): number;
  recordSuccess(): void;
}

export function createFleetBreaker(options: FleetBreakerOptions): FleetBreaker {
  const { failureThreshold, cooldownMs } = FleetBreakerSchema.parse(options);
  let failures = 0;
  return {
    pauseFor(error) {
      if (!AVAILABILITY.has(error.kind)) return 0;
      failures++;
      const pause = error.kind === 'rate_limited' && error.retryAfterMs ? error.retryAfterMs : failures >= failureThreshold ? cooldownMs : 0;
      if (pause > 0) failures = 0;
      return pause;
    },
    recordSuccess() {
      failures = 0;
    },
  };
}
