/**
 * The provider contract suite: one vitest suite every provider must pass, on
 * fixtures, on the emulator or in process. A harness tells the suite how to
 * program its backend for each scenario and how to count what the backend saw.
 */
import { describe, expect, it } from 'vitest';
import { PictorError, collectEvents, type TaskHandle } from '@pictor/core';
import type { ContractHarness } from './contract-types.ts';

async function failure(promise: Promise<unknown>): Promise<PictorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected the call to fail with a PictorError').toBeInstanceOf(PictorError);
  return error as PictorError;
}

export interface ContractOptions {
  /**
   * Whether the model under test is asynchronous. Known before any harness exists, so the tests that
   * apply to async models only are skipped (and reported as skipped) rather than passing empty.
   * Must equal the harness's own `async`.
   * @default true
   */
  readonly async?: boolean | undefined;
}

/**
 * Declares the contract suite for one provider. `setup` runs before each test and
 * returns a fresh harness; its `cleanup` runs after.
 */
export function describeProviderContract(
  name: string,
  setup: () => Promise<ContractHarness> | ContractHarness,
  contractOptions: ContractOptions = {},
): void {
  const options = { async: contractOptions.async ?? true };
  const withHarness = (run: (h: ContractHarness) => Promise<void>) => async () => {
    // Every contract test must assert something: a test that returns early passes while checking nothing.
    expect.hasAssertions();
    const harness = await setup();
    if (harness.async !== options.async) {
      await harness.cleanup?.();
      throw new Error(`describeProviderContract('${name}'): the harness says async: ${harness.async}; declare it with { async: ${harness.async} }`);
    }
    try {
      await run(harness);
    } finally {
      await harness.cleanup?.();
    }
  };

  describe(`provider contract: ${name}`, () => {
    resultTests(withHarness, options.async);
    describe('error kinds', () => errorKindTests(withHarness));
    describe('async lifecycle', () => asyncLifecycleTests(withHarness, options.async));
  });
}

/** Wraps a test body: a fresh harness per test, cleaned up after. */
type WithHarness = (run: (h: ContractHarness) => Promise<void>) => () => Promise<void>;

/** The result shape, validation before the network, empty results, failed tasks and events. */
function resultTests(withHarness: WithHarness, isAsync: boolean): void {
  it(
    'returns the normalised result shape',
    withHarness(async (h) => {
      const provider = await h.arrange({ type: 'success' });
      const result = await provider.generate(h.request, h.fastWait);
      expect(result.provider).toBe(provider.id);
      expect(result.images.length).toBeGreaterThan(0);
      for (const image of result.images) {
        expect(image.url).toMatch(/^(https?:|data:)/);
        expect(image.width).toBe(result.size.width);
        expect(image.height).toBe(result.size.height);
      }
      expect(Number.isNaN(Date.parse(result.createdAt))).toBe(false);
      expect(result.cost.images).toBe(result.images.length);
      // A cost says its basis; an unknown price is undefined, never a silent 0.
      expect(result.cost.basis === 'unknown' ? result.cost.usd : typeof result.cost.usd).toBe(result.cost.basis === 'unknown' ? undefined : 'number');
      expect(Array.isArray(result.warnings)).toBe(true);
      expect(result.timings.attempts).toBeGreaterThanOrEqual(1);
      expect(h.submits()).toBe(1);
    }),
  );

  it(
    'validates before the network: an invalid size makes no request',
    withHarness(async (h) => {
      const provider = await h.arrange({ type: 'success' });
      const error = await failure(provider.generate({ ...h.request, size: h.invalidSize }, h.fastWait));
      expect(error.kind).toBe('invalid_request');
      expect(error.message).toMatch(/Nearest valid sizes/);
      expect(h.requests()).toBe(0);
    }),
  );

  it(
    'treats a success with no images as a failure',
    withHarness(async (h) => {
      const provider = await h.arrange({ type: 'empty' });
      const error = await failure(provider.generate(h.request, h.fastWait));
      expect(error.kind).toBe('invalid_response');
    }),
  );

  // A sync call has no task: its failures are error responses, covered by 'error kinds'.
  it.runIf(isAsync)(
    'reports a failed task as task_failed (or content_filtered)',
    withHarness(async (h) => {
      const provider = await h.arrange({ type: 'task_failed' });
      const error = await failure(provider.generate(h.request, h.fastWait));
      expect(['task_failed', 'content_filtered']).toContain(error.kind);
      expect(error.retryable).toBe(false);
    }),
  );

  it(
    'emits lifecycle events in order',
    withHarness(async (h) => {
      const provider = await h.arrange({ type: 'success' });
      const { events, listener } = collectEvents();
      await provider.generate(h.request, { ...h.fastWait, onEvent: listener });
      const types = events.map((e) => e.type).filter((t) => t !== 'retry');
      expect(types[0]).toBe('submitted');
      expect(types.at(-1)).toBe('completed');
      expect(types.slice(1, -1).every((t) => t === 'status')).toBe(true);
      expect(types.includes('status')).toBe(h.async);
    }),
  );
}

function errorKindTests(withHarness: WithHarness): void {
  it(
    'maps every error kind the backend can produce',
    withHarness(async (h) => {
      for (const kind of h.errorKinds) {
        const provider = await h.arrange({ type: 'error', kind });
        const error = await failure(provider.generate(h.request, { ...h.fastWait, retry: { submit: { retries: 0 }, status: { retries: 0 } } }));
        expect(error.kind, `scenario error:${kind}`).toBe(kind);
        expect(error.provider).toBe(provider.id);
      }
    }),
  );
}

/** Resuming a saved handle, aborting a wait, the poll deadline: async models only. */
function asyncLifecycleTests(withHarness: WithHarness, isAsync: boolean): void {
  it.runIf(isAsync)(
    'resumes a handle serialised to JSON in a fresh instance without a second submit',
    withHarness(async (h) => {
      const provider = await h.arrange({ type: 'success' });
      const handle = await provider.submit(h.request);
      const saved = JSON.parse(JSON.stringify(handle)) as TaskHandle;
      const result = await h.fresh().wait(saved, h.fastWait);
      expect(result.images.length).toBeGreaterThan(0);
      expect(h.submits()).toBe(1);
    }),
  );

  it.runIf(isAsync)(
    'an abort during polling ends the wait at once, with the handle',
    withHarness(async (h) => {
      const provider = await h.arrange({ type: 'never_finishes' });
      const controller = new AbortController();
      // Abort once the task was accepted, while the engine sleeps before its first read.
      const onEvent = (event: { type: string }) => void (event.type === 'submitted' && setTimeout(() => controller.abort(), 5));
      const pending = provider.generate(h.request, { ...h.fastWait, onEvent, signal: controller.signal, poll: { ...h.fastWait?.poll, firstDelayMs: 60_000 } });
      const error = await failure(pending);
      expect(error.kind).toBe('aborted');
      expect(error.handle?.provider).toBe(provider.id);
    }),
  );

  it.runIf(isAsync)(
    'stops at the deadline with a resumable handle',
    withHarness(async (h) => {
      const provider = await h.arrange({ type: 'never_finishes' });
      const error = await failure(provider.generate(h.request, { ...h.fastWait, poll: { ...h.fastWait?.poll, timeoutMs: 100 } }));
      expect(error.kind).toBe('timeout');
      expect(error.handle?.taskId).toBeTruthy();
      expect(h.submits()).toBe(1);
    }),
  );
}
