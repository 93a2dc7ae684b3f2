import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEmulator, type Emulator } from '@pictor/testing';
import { PictorError, collectEvents, createMock, createNovita, createZai, failover, type MockFault, type PictorEvent } from '../src/index.ts';

const fast = { poll: { firstDelayMs: 0, intervalMs: 2, minIntervalMs: 2, maxEtaWaitMs: 2 }, retry: { submit: { minDelayMs: 1, maxDelayMs: 1 }, status: { minDelayMs: 1, maxDelayMs: 1 } } };
const request = { prompt: 'a failover test' };
const mocks = (primary: MockFault[], secondary: MockFault[] = []) => ({
  primary: createMock({ id: 'primary', durationMs: 5, faults: primary }),
  secondary: createMock({ id: 'secondary', durationMs: 5, faults: secondary }),
});
const submits = (mock: ReturnType<typeof createMock>) => mock.calls.filter((c) => c.method !== 'readStatus').length;

afterEach(() => void vi.useRealTimers());

describe('failover matrix', () => {
  it('primary 503 → secondary serves, with the route and events', async () => {
    const { primary, secondary } = mocks([{ on: 'submit', error: 'provider_unavailable', times: 10 }]);
    const router = failover([{ provider: primary, model: 'glm-image' }, { provider: secondary, model: 'glm-image' }]);
    const { events, listener } = collectEvents();
    const result = await router.generate(request, { ...fast, onEvent: listener });
    expect(result.provider).toBe('secondary');
    expect(result.route.map((r) => `${r.candidate}:${r.outcome}`)).toEqual(['primary:glm-image:failed', 'secondary:glm-image:served']);
    const step = events.find((e) => e.type === 'failover') as Extract<PictorEvent, { type: 'failover' }>;
    expect(step).toMatchObject({ from: 'primary:glm-image', to: 'secondary:glm-image', reason: 'provider_unavailable' });
    // One retry loop: the primary's submit was not retried inside the candidate.
    expect(submits(primary)).toBe(1);
    expect(submits(secondary)).toBe(1);
  });

  it.each(['invalid_request', 'authentication'] as const)('%s → no failover', async (kind) => {
    const { primary, secondary } = mocks([{ on: 'submit', error: kind }]);
    const router = failover([{ provider: primary, model: 'glm-image' }, { provider: secondary, model: 'glm-image' }]);
    await expect(router.generate(request, fast)).rejects.toMatchObject({ kind });
    expect(submits(secondary)).toBe(0);
  });

  it('content_filtered → no failover by default, failover when the policy says so', async () => {
    let { primary, secondary } = mocks([{ on: 'submit', error: 'content_filtered' }]);
    await expect(failover([{ provider: primary, model: 'glm-image' }, { provider: secondary, model: 'glm-image' }]).generate(request, fast)).rejects.toMatchObject({ kind: 'content_filtered' });
    expect(submits(secondary)).toBe(0);
    ({ primary, secondary } = mocks([{ on: 'submit', error: 'content_filtered' }]));
    const permissive = failover([{ provider: primary, model: 'glm-image' }, { provider: secondary, model: 'glm-image' }], { failoverOn: ['content_filtered'] });
    await expect(permissive.generate(request, fast)).resolves.toMatchObject({ provider: 'secondary' });
  });

  it('an ambiguous submit (outcome unknown) does not fail over unless allowed', async () => {
    const { primary, secondary } = mocks([{ on: 'submit', error: 'provider_unavailable', submitOutcome: 'unknown', times: 2 }]);
    const candidates = [{ provider: primary, model: 'glm-image' }, { provider: secondary, model: 'glm-image' }];
    await expect(failover(candidates).generate(request, fast)).rejects.toMatchObject({ submitOutcome: 'unknown' });
    expect(submits(secondary)).toBe(0);
    await expect(failover(candidates, { failoverOnUnknownOutcome: true }).generate(request, fast)).resolves.toMatchObject({ provider: 'secondary' });
  });

  it('when every candidate fails, one unknown outcome makes the route unknown; all refused makes it not_created', async () => {
    // Layers above (a queue retry, the AI SDK) may submit again only on a proven not_created.
    let { primary, secondary } = mocks(
      [{ on: 'submit', error: 'provider_unavailable', submitOutcome: 'unknown', times: 5 }],
      [{ on: 'submit', error: 'provider_unavailable', submitOutcome: 'not_created', times: 5 }],
    );
    const candidates = () => [{ provider: primary, model: 'glm-image' }, { provider: secondary, model: 'glm-image' }];
    await expect(failover(candidates(), { failoverOnUnknownOutcome: true }).generate(request, fast)).rejects.toMatchObject({ submitOutcome: 'unknown', retryable: true });
    ({ primary, secondary } = mocks(
      [{ on: 'submit', error: 'provider_unavailable', submitOutcome: 'not_created', times: 5 }],
      [{ on: 'submit', error: 'provider_unavailable', submitOutcome: 'not_created', times: 5 }],
    ));
    await expect(failover(candidates()).generate(request, fast)).rejects.toMatchObject({ submitOutcome: 'not_created' });
  });

  it('breaker: opens after N failures, skips while open, closes after a good probe', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { primary, secondary } = mocks([{ on: 'submit', error: 'provider_unavailable', times: 2 }]);
    // Sync models: no polling while Date is frozen.
    const router = failover([{ provider: primary, model: 'cogview-4-250304' }, { provider: secondary, model: 'cogview-4-250304' }], { breaker: { failureThreshold: 2, cooldownMs: 10_000 } });
    await router.generate(request, fast);
    await router.generate(request, fast);
    expect(router.breakers()['primary:cogview-4-250304']).toMatchObject({ state: 'open', consecutiveFailures: 2 });
    const skipped = await router.generate(request, fast);
    expect(skipped.route[0]).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('breaker open') });
    expect(skipped.warnings[0]).toMatchObject({ type: 'skipped' });
    expect(submits(primary)).toBe(2);
    vi.advanceTimersByTime(10_001);
    expect(router.breakers()['primary:cogview-4-250304']!.state).toBe('half_open');
    const probed = await router.generate(request, fast);
    expect(probed.provider).toBe('primary');
    expect(router.breakers()['primary:cogview-4-250304']!.state).toBe('closed');
  });

  it('a failed probe re-opens the breaker', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { primary, secondary } = mocks([{ on: 'submit', error: 'network', times: 10 }]);
    const router = failover([{ provider: primary, model: 'cogview-4-250304' }, { provider: secondary, model: 'cogview-4-250304' }], { breaker: { failureThreshold: 1, cooldownMs: 1000 } });
    await router.generate(request, fast);
    vi.advanceTimersByTime(1001);
    await router.generate(request, fast);
    expect(router.breakers()['primary:cogview-4-250304']!.state).toBe('open');
  });

  it('all fail → one error holding every attempt', async () => {
    const { primary, secondary } = mocks([{ on: 'submit', error: 'provider_unavailable', times: 5 }], [{ on: 'submit', error: 'rate_limited', times: 5, retryAfterMs: 3000 }]);
    const error = (await failover([{ provider: primary, model: 'glm-image' }, { provider: secondary, model: 'glm-image' }]).generate(request, fast).catch((e) => e)) as PictorError;
    expect(error).toBeInstanceOf(PictorError);
    expect(error.kind).toBe('provider_unavailable');
    expect(error.attempts.map((a) => `${a.provider}:${a.kind}`)).toEqual(['primary:provider_unavailable', 'secondary:rate_limited']);
    expect(error.retryAfterMs).toBe(3000);
    expect(error.message).toContain('All 2 candidates failed');
  });

  it('rate_limited with Retry-After longer than the patience fails over instead of waiting', async () => {
    const { primary, secondary } = mocks([{ on: 'submit', error: 'rate_limited', retryAfterMs: 60_000, times: 5 }]);
    const router = failover([{ provider: primary, model: 'glm-image' }, { provider: secondary, model: 'glm-image' }], { patienceMs: 1000 });
    const result = await router.generate(request, fast);
    expect(result.provider).toBe('secondary');
    expect(submits(primary)).toBe(1);
  });

  it('rate_limited with a short Retry-After is waited for on the same candidate', async () => {
    const { primary, secondary } = mocks([{ on: 'submit', error: 'rate_limited', retryAfterMs: 20, times: 1 }]);
    const router = failover([{ provider: primary, model: 'glm-image' }, { provider: secondary, model: 'glm-image' }], { patienceMs: 1000 });
    const result = await router.generate(request, fast);
    expect(result.provider).toBe('primary');
    expect(result.timings.attempts).toBe(2);
    expect(submits(secondary)).toBe(0);
  });

  it('single candidate: its own retry policy still applies', async () => {
    const primary = createMock({ id: 'primary', durationMs: 5, faults: [{ on: 'submit', error: 'rate_limited', times: 1 }] });
    const result = await failover([{ provider: primary, model: 'glm-image' }]).generate(request, fast);
    expect(result.timings.attempts).toBe(2);
  });

  it('skips candidates that cannot honour the request, with a warning', async () => {
    const { primary, secondary } = mocks([]);
    const router = failover([{ provider: primary, model: 'cogview-4-250304' }, { provider: secondary, model: 'glm-image' }]);
    const result = await router.generate({ ...request, size: '2048x2048' }, fast);
    expect(result.provider).toBe('secondary');
    expect(result.warnings[0]!.message).toContain('primary:cogview-4-250304 skipped');
    expect(submits(primary)).toBe(0);
    await expect(failover([{ provider: primary, model: 'cogview-4-250304' }]).generate({ ...request, size: '2048x2048' })).rejects.toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('Nearest valid sizes') });
    const both = failover([{ provider: primary, model: 'cogview-4-250304' }, { provider: secondary, model: 'cogview-4-250304' }]);
    await expect(both.generate({ ...request, size: '2048x2048' })).rejects.toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('No candidate can serve') });
  });

  it('a sync-only secondary serves an async primary’s request; pinning mode: async skips it', async () => {
    const { primary, secondary } = mocks([{ on: 'submit', error: 'provider_unavailable', times: 5 }]);
    const router = failover([{ provider: primary, model: 'glm-image' }, { provider: secondary, model: 'cogview-4-250304' }]);
    await expect(router.generate(request, fast)).resolves.toMatchObject({ provider: 'secondary', model: 'cogview-4-250304' });
    const pinned = await router.generate({ ...request, mode: 'async' }, fast).catch((e: PictorError) => e);
    expect((pinned as PictorError).message).toContain('does not support async');
  });

  it('a task handle stays bound to its provider: waiting never resubmits elsewhere', async () => {
    const { primary, secondary } = mocks([{ on: 'status', error: 'provider_unavailable', times: 100 }]);
    const router = failover([{ provider: primary, model: 'glm-image' }, { provider: secondary, model: 'glm-image' }]);
    const handle = await router.submit(request);
    expect(handle.provider).toBe('primary');
    await expect(router.wait(handle, { ...fast, retry: { status: { retries: 1, minDelayMs: 1 } } })).rejects.toMatchObject({ kind: 'provider_unavailable', handle: { provider: 'primary' } });
    const failedDuringGenerate = await router.generate(request, { ...fast, retry: { status: { retries: 0 } } }).catch((e: PictorError) => e);
    expect((failedDuringGenerate as PictorError).handle?.provider).toBe('primary');
    expect(submits(secondary)).toBe(0);
    await expect(router.status({ ...handle, provider: 'elsewhere' })).rejects.toMatchObject({ message: expect.stringContaining('No candidate for provider "elsewhere"') });
  });

  it('reports a malformed request once, before trying any candidate', async () => {
    const { primary, secondary } = mocks([]);
    const router = failover([{ provider: primary, model: 'glm-image' }, { provider: secondary, model: 'glm-image' }]);
    const error = (await router.generate({ prompt: '' }).catch((e) => e)) as PictorError;
    expect(error).toMatchObject({ kind: 'invalid_request', message: 'Invalid image request: prompt: prompt must not be empty' });
    expect(primary.calls).toHaveLength(0);
  });

  it('refuses empty or unknown candidates', () => {
    expect(() => failover([])).toThrow(/at least one candidate/);
    expect(() => failover([{ provider: createMock(), model: 'dall-e' }])).toThrow(/available: glm-image, cogview-4-250304/);
  });
});

describe('failover over real HTTP (emulator)', () => {
  let emulator: Emulator;
  afterEach(async () => emulator?.close());

  it('Z.AI primary answering 503 → Novita serves; nothing is submitted twice', async () => {
    emulator = await startEmulator({ durations: 10, imageSize: { width: 8, height: 8 }, faults: [{ provider: 'zai', endpoint: 'submit', type: 'http', status: 503, times: 100 }] });
    const router = failover([
      { provider: createZai({ apiKey: 'k-zai-000000', baseURL: emulator.zaiBaseURL }), model: 'glm-image' },
      { provider: createNovita({ apiKey: 'k-novita-000000', baseURL: emulator.novitaBaseURL }), model: 'glm-image' },
    ]);
    for (let i = 0; i < 5; i++) {
      const result = await router.generate({ prompt: `prompt ${i}` }, fast);
      expect(result.provider).toBe('novita');
    }
    // Z.AI refused three submits, then its breaker opened (threshold 3) and it was skipped.
    expect(emulator.counters['zai.submit']).toBe(3);
    expect(emulator.counters['novita.submit']).toBe(5);
    // Every prompt became exactly one task: nothing paid twice.
    const tasksPerPrompt = new Map<string, number>();
    for (const task of emulator.tasks.values()) tasksPerPrompt.set(task.prompt, (tasksPerPrompt.get(task.prompt) ?? 0) + 1);
    expect([...tasksPerPrompt.values()]).toEqual([1, 1, 1, 1, 1]);
  });
});
