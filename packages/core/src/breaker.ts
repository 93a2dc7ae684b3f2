/**
 * A per-candidate circuit breaker for failover. After `failureThreshold`
 * consecutive availability failures it opens for `cooldownMs`; the candidate is
 * skipped meanwhile. Then one call is let through as a probe: success closes the
 * breaker, failure re-opens it. Validation and policy errors never count: they
 * say nothing about the provider's health.
 */
import { z } from 'zod';

export type BreakerState = 'closed' | 'open' | 'half_open';

export const BreakerOptionsSchema = z
  .object({
    /**
     * Consecutive failures that open the breaker.
     * @default 3
     */
    failureThreshold: z.number().int().positive().optional(),
    /**
     * How long it stays open before a probe, in ms.
     * @default 30000
     */
    cooldownMs: z.number().int().min(0).optional(),
  })
  .strict();

export type BreakerOptions = z.input<typeof BreakerOptionsSchema>;

export interface BreakerSnapshot {
  readonly state: BreakerState;
  readonly consecutiveFailures: number;
  /** When an open breaker lets a probe through (ms since epoch). */
  readonly openUntil: number | undefined;
}

export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  #failures = 0;
  #openUntil: number | undefined;
  #probing = false;

  constructor(options: BreakerOptions = {}) {
    this.#threshold = Math.max(1, options.failureThreshold ?? 3);
    this.#cooldownMs = Math.max(0, options.cooldownMs ?? 30_000);
  }

  get state(): BreakerState {
    if (this.#openUntil === undefined) return 'closed';
    return Date.now() >= this.#openUntil ? 'half_open' : 'open';
  }

  snapshot(): BreakerSnapshot {
    return { state: this.state, consecutiveFailures: this.#failures, openUntil: this.#openUntil };
  }

  /** Whether a call may go through now; in half-open state only one probe at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.#probing) return false;
    this.#probing = true;
    return true;
  }

  recordSuccess(): void {
    this.#failures = 0;
    this.#openUntil = undefined;
    this.#probing = false;
  }

  recordFailure(): void {
    this.#failures++;
    const wasProbe = this.#probing;
    this.#probing = false;
    if (wasProbe || this.#failures >= this.#threshold) this.#openUntil = Date.now() + this.#cooldownMs;
  }

  /** Ends a probe that neither succeeded nor failed in a way that counts (e.g. a validation error). */
  release(): void {
    this.#probing = false;
  }
}
