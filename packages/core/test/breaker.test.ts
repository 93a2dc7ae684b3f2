import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from '../src/breaker.ts';

afterEach(() => void vi.useRealTimers());

describe('CircuitBreaker', () => {
  it('opens after the threshold, half-opens after the cooldown, allows one probe', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1000 });
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    breaker.recordFailure();
    expect(breaker.snapshot()).toMatchObject({ state: 'open', consecutiveFailures: 2 });
    expect(breaker.tryAcquire()).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(breaker.state).toBe('half_open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false); // one probe at a time
    breaker.recordSuccess();
    expect(breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0, openUntil: undefined });
  });

  it('re-opens on a failed probe and frees a probe that did not count', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const breaker = new CircuitBreaker({ failureThreshold: 5, cooldownMs: 10 });
    for (let i = 0; i < 5; i++) breaker.recordFailure();
    vi.advanceTimersByTime(10);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.release();
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(new CircuitBreaker({ failureThreshold: 0 }).snapshot().state).toBe('closed');
  });
});
