import { afterEach, describe, expect, it, vi } from 'vitest';
import { PictorError, collectEvents, defaultShouldRetry, type ErrorKind, type SubmitOutcome } from '../src/index.ts';
import { withRetry } from '../src/retry.ts';

const fast = { minDelayMs: 1, maxDelayMs: 2 };
const err = (kind: ErrorKind, extra: { submitOutcome?: SubmitOutcome; retryAfterMs?: number } = {}) =>
  new PictorError({ kind, message: `fails with ${kind}`, ...extra });

function failingThenOk(errors: PictorError[]) {
  let calls = 0;
  const operation = vi.fn(async () => {
    const error = errors[calls++];
    if (error) throw error;
    return 'ok';
  });
  return operation;
}

const ctx = (stage: 'submit' | 'status', extra: object = {}) => ({ stage, provider: 'p', model: 'm', policy: fast, ...extra });

afterEach(() => void vi.useRealTimers());

describe('status stage', () => {
  it('retries transient errors and reports the attempt count', async () => {
    const operation = failingThenOk([err('network'), err('provider_unavailable')]);
    const { events, listener } = collectEvents();
    await expect(withRetry(operation, ctx('status', { onEvent: listener }))).resolves.toEqual({ value: 'ok', attempts: 3 });
    expect(events.map((e) => e.type)).toEqual(['retry', 'retry']);
    expect(events[0]).toMatchObject({ stage: 'status', attempt: 1 });
  });

  it('does not retry permanent errors', async () => {
    const operation = failingThenOk([err('authentication')]);
    await expect(withRetry(operation, ctx('status'))).rejects.toMatchObject({ kind: 'authentication' });
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it('keeps every attempt error when retries run out', async () => {
    const operation = failingThenOk([err('network'), err('network'), err('timeout')]);
    const error = await withRetry(operation, ctx('status', { policy: { ...fast, retries: 2 } })).catch((e: PictorError) => e);
    expect(error).toBeInstanceOf(PictorError);
    expect((error as PictorError).kind).toBe('timeout');
    expect((error as PictorError).attempts.map((a) => a.kind)).toEqual(['network', 'network', 'timeout']);
  });
});

describe('submit stage', () => {
  it('retries only when no task can have been created', async () => {
    const safe = failingThenOk([err('rate_limited', { submitOutcome: 'not_created' })]);
    await expect(withRetry(safe, ctx('submit'))).resolves.toMatchObject({ value: 'ok', attempts: 2 });

    const ambiguous = failingThenOk([err('provider_unavailable', { submitOutcome: 'unknown' })]);
    const error = (await withRetry(ambiguous, ctx('submit')).catch((e) => e)) as PictorError;
    expect(ambiguous).toHaveBeenCalledTimes(1);
    expect(error.message).toContain('The outcome is unknown');
    expect(error.message).toContain('could pay twice');
  });

  it('never retries a submit whose outcome was not stated', async () => {
    const operation = failingThenOk([err('network')]);
    await expect(withRetry(operation, ctx('submit'))).rejects.toMatchObject({ kind: 'network' });
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it('lets a policy override the decision and disable retries', async () => {
    const operation = failingThenOk([err('provider_unavailable', { submitOutcome: 'unknown' })]);
    await expect(withRetry(operation, ctx('submit', { policy: { ...fast, shouldRetry: () => true } }))).resolves.toMatchObject({ attempts: 2 });
    const none = failingThenOk([err('network', { submitOutcome: 'not_created' })]);
    await expect(withRetry(none, ctx('submit', { policy: { retries: 0 } }))).rejects.toMatchObject({ kind: 'network' });
    expect(none).toHaveBeenCalledTimes(1);
  });

  it('exposes the default decision', () => {
    expect(defaultShouldRetry('submit', err('rate_limited', { submitOutcome: 'not_created' }))).toBe(true);
    expect(defaultShouldRetry('submit', err('rate_limited', { submitOutcome: 'unknown' }))).toBe(false);
    expect(defaultShouldRetry('status', err('rate_limited'))).toBe(true);
    expect(defaultShouldRetry('status', err('aborted'))).toBe(false);
    expect(defaultShouldRetry('status', err('insufficient_quota'))).toBe(false);
  });
});

describe('Retry-After and abort', () => {
  it('waits at least Retry-After before the next attempt', async () => {
    vi.useFakeTimers();
    const operation = failingThenOk([err('rate_limited', { retryAfterMs: 5000 })]);
    const pending = withRetry(operation, ctx('status'));
    await vi.advanceTimersByTimeAsync(4000);
    expect(operation).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1100);
    expect(operation).toHaveBeenCalledTimes(2);
    await expect(pending).resolves.toMatchObject({ attempts: 2 });
  });

  it('gives up at once when Retry-After exceeds the policy patience', async () => {
    const operation = failingThenOk([err('rate_limited', { retryAfterMs: 120_000 })]);
    const error = (await withRetry(operation, ctx('status', { policy: { ...fast, maxRetryAfterMs: 1000 } })).catch((e) => e)) as PictorError;
    expect(operation).toHaveBeenCalledTimes(1);
    expect(error.message).toContain('exceeds');
  });

  it('never retries after an abort, and rejects as aborted', async () => {
    const controller = new AbortController();
    const operation = vi.fn(async () => {
      controller.abort();
      throw err('network');
    });
    await expect(withRetry(operation, ctx('status', { signal: controller.signal }))).rejects.toMatchObject({ kind: 'aborted' });
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it('wraps non-Pictor errors', async () => {
    await expect(withRetry(async () => Promise.reject(new Error('bug')), ctx('status'))).rejects.toMatchObject({ kind: 'invalid_response' });
  });
});

describe('an abort that ends a submit attempt', () => {
  /** An attempt that is in flight until the signal fires, then fails as fetch does. */
  const inFlight = (signal: AbortSignal) => () =>
    new Promise<never>((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError')));
      queueMicrotask(() => controllerOf.get(signal)?.abort());
    });
  const controllerOf = new WeakMap<AbortSignal, AbortController>();
  const started = () => {
    const controller = new AbortController();
    controllerOf.set(controller.signal, controller);
    return controller.signal;
  };

  it('has an unknown outcome when the submit was in flight', async () => {
    const signal = started();
    const error = await withRetry(inFlight(signal), { stage: 'submit', provider: 'p', model: 'm', signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'aborted', submitOutcome: 'unknown', message: expect.stringContaining('the outcome is unknown') });
  });

  it('keeps not_created when the attempt proves nothing was sent', async () => {
    const controller = new AbortController();
    controller.abort();
    const notSent = new PictorError({ kind: 'aborted', message: 'Aborted by the caller', submitOutcome: 'not_created' });
    const error = await withRetry(() => Promise.reject(notSent), { stage: 'submit', provider: 'p', model: 'm', signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'aborted', submitOutcome: 'not_created' });
  });

  it('says nothing about outcomes for a status read', async () => {
    const signal = started();
    const error = await withRetry(inFlight(signal), { stage: 'status', provider: 'p', model: 'm', signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'aborted', submitOutcome: undefined });
  });
});
