import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PictorError, type TaskStatus } from '../src/index.ts';
import type { ProviderAdapter } from '../src/adapter.ts';
import { DurationRegistry, MAX_SKETCHES } from '../src/duration-registry.ts';
import { DurationSketch, SKETCH_LAYOUT, cdfFunction } from '../src/durations.ts';
import { pollUntilDone, readPlanSettings } from '../src/poll.ts';
import { createProvider } from '../src/provider.ts';
import { asyncOnlySpec } from './model-spec.ts';
import { parseFactoryOptions, providerClientOptionsSchema } from '../src/provider-options.ts';
import { firstReadAt } from '../src/read-plan.ts';
import { lognormalGrid, shuffled } from './lognormal.ts';

describe('DurationSketch', () => {
  it('starts from the typical duration and learns quantiles of known inputs', () => {
    expect(new DurationSketch(20_000).quantile(0.5)).toBeGreaterThan(18_000);
    expect(new DurationSketch(20_000).quantile(0.5)).toBeLessThan(22_000);
    const sketch = new DurationSketch(5000, { halfLifeTasks: 1e6, priorWeight: 0 });
    for (const ms of shuffled(lognormalGrid(20_000, 0.5, 400))) sketch.observe(ms, ms);
    // True quantiles: 20 s; 20 s x e^(0.5 x 1.2816) = 37.9 s; 20 s x e^(-0.5 x 1.2816) = 10.5 s. Bins are 10% wide.
    expect(sketch.quantile(0.5) / 20_000).toBeCloseTo(1, 1);
    expect(sketch.quantile(0.9) / 37_930).toBeCloseTo(1, 1);
    expect(sketch.quantile(0.1) / 10_546).toBeCloseTo(1, 1);
    expect(sketch.cdf(20_000)).toBeCloseTo(0.5, 1);
    expect(sketch.observations).toBe(400);
  });

  it('moves to a new median within tens of tasks after a drift', () => {
    const sketch = new DurationSketch(20_000);
    for (const ms of shuffled(lognormalGrid(20_000, 0.5, 200))) sketch.observe(ms, ms);
    for (const ms of shuffled(lognormalGrid(40_000, 0.5, 50))) sketch.observe(ms, ms);
    expect(sketch.quantile(0.5)).toBeGreaterThan(34_000);
    for (const ms of shuffled(lognormalGrid(10_000, 0.5, 50))) sketch.observe(ms, ms);
    expect(sketch.quantile(0.5)).toBeLessThan(12_500);
  });

  it('learns from intervals: tasks all done before the first read pull the quantiles down', () => {
    const sketch = new DurationSketch(20_000);
    const before = sketch.quantile(0.08);
    for (let i = 0; i < 30; i++) sketch.observe(0, before);
    expect(sketch.quantile(0.5)).toBeLessThan(before);
    expect(sketch.quantile(0.08)).toBeLessThan(before * 0.8);
  });

  it('keeps a fixed size whatever it is fed, and ignores non-finite times', () => {
    const sketch = new DurationSketch(20_000);
    for (let i = 0; i < 5000; i++) sketch.observe(0, [1e15, 0, 1, 3e6, 20_000][i % 5] as number);
    sketch.observe(0, Number.NaN);
    sketch.observe(0, Number.POSITIVE_INFINITY);
    sketch.observe(0, -5);
    expect(sketch.weights.length).toBe(SKETCH_LAYOUT.bins);
    expect(JSON.stringify(sketch).length).toBeLessThan(4000);
    expect(sketch.observations).toBe(5000);
    expect(Number.isFinite(sketch.quantile(0.99))).toBe(true);
  });

  it('round-trips through JSON and merges by adding weights', () => {
    const a = new DurationSketch(20_000);
    a.observe(15_000, 16_000);
    const copy = DurationSketch.fromJSON(JSON.parse(JSON.stringify(a)));
    expect(copy.quantile(0.5)).toBeCloseTo(a.quantile(0.5), 6);
    copy.merge(a);
    expect(copy.total()).toBeCloseTo(2 * a.total(), 6);
    expect(copy.observations).toBe(2);
  });

  it.each([
    ['not an object', 'weights'],
    ['a wrong version', { ...new DurationSketch(1).toJSON(), version: 2 }],
    ['a wrong length', { ...new DurationSketch(1).toJSON(), weights: [1, 2, 3] }],
    ['a negative weight', { ...new DurationSketch(1).toJSON(), weights: Array(SKETCH_LAYOUT.bins).fill(-1) }],
    ['a huge weight', { ...new DurationSketch(1).toJSON(), weights: Array(SKETCH_LAYOUT.bins).fill(1e300) }],
    ['another layout', { ...new DurationSketch(1).toJSON(), ratio: 2 }],
    ['an extra key', { ...new DurationSketch(1).toJSON(), __proto__x: 1 }],
  ])('rejects a hostile snapshot: %s', (_name, input) => {
    expect(() => DurationSketch.fromJSON(input)).toThrow(PictorError);
    try {
      DurationSketch.fromJSON(input);
    } catch (error) {
      expect((error as PictorError).kind).toBe('invalid_request');
      expect((error as PictorError).message).toMatch(/Invalid duration sketch snapshot/);
    }
  });
});

describe('DurationRegistry', () => {
  it('keeps one sketch per provider+model and shares snapshots', () => {
    const registry = new DurationRegistry();
    const sketch = registry.sketch('zai', 'glm-image', 20_000);
    expect(registry.sketch('zai', 'glm-image', 5)).toBe(sketch);
    expect(registry.sketch('novita', 'glm-image', 20_000)).not.toBe(sketch);
    sketch.observe(30_000, 30_000);
    const other = DurationRegistry.fromJSON(JSON.parse(JSON.stringify(registry.snapshot())));
    expect(other.size).toBe(2);
    expect(other.sketch('zai', 'glm-image', 1).observations).toBe(1);
    other.merge(registry.snapshot());
    expect(other.sketch('zai', 'glm-image', 1).observations).toBe(2);
  });

  it('rejects a hostile snapshot and stays bounded', () => {
    const registry = new DurationRegistry();
    const sketch = new DurationSketch(1).toJSON();
    const many = Object.fromEntries(Array.from({ length: MAX_SKETCHES + 1 }, (_, i) => [`p:${i}`, sketch]));
    expect(() => registry.merge({ version: 1, sketches: many })).toThrow(/at most 256 sketches/);
    expect(() => registry.merge({ version: 1, sketches: { 'zai:x': { ...sketch, weights: [Number.NaN] } } })).toThrow(PictorError);
    expect(() => registry.merge(null)).toThrow(/Invalid duration registry snapshot/);
    expect(registry.size).toBe(0);
    for (let i = 0; i < MAX_SKETCHES + 10; i++) registry.sketch('p', `m${i}`, 1000);
    expect(registry.size).toBe(MAX_SKETCHES);
  });
});

describe('pollUntilDone learning', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());
  const deadline = () => new PictorError({ kind: 'timeout', message: 'deadline' });

  it('plans on the given sketch and records the interval the task ended in', async () => {
    const sketch = new DurationSketch(10_000);
    const first = firstReadAt(sketch, readPlanSettings({}, 10_000));
    const statuses: TaskStatus[] = [{ state: 'running' }, { state: 'succeeded' }];
    const times: number[] = [];
    const read = vi.fn(async () => {
      times.push(Date.now());
      return statuses[times.length - 1] as TaskStatus;
    });
    const start = Date.now();
    const done = pollUntilDone({ read, typicalDurationMs: 10_000, durations: sketch, onDeadline: deadline, random: () => 0.5 });
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(done).resolves.toMatchObject({ reads: 2 });
    // random 0.5: the centre of the learned plan's first-read jitter, the planned time itself.
    expect((times[0] as number) - start).toBe(Math.round(first));
    expect(sketch.observations).toBe(1);
  });

  it('learns a point from the provider eta and follows the eta', async () => {
    const sketch = new DurationSketch(10_000, { priorWeight: 0.001 });
    const statuses: TaskStatus[] = [{ state: 'running', etaMs: 30_000 }, { state: 'succeeded' }];
    const times: number[] = [];
    const read = vi.fn(async () => {
      times.push(Date.now());
      return statuses[times.length - 1] as TaskStatus;
    });
    const done = pollUntilDone({ read, typicalDurationMs: 10_000, durations: sketch, onDeadline: deadline, random: () => 0.5 });
    await vi.advanceTimersByTimeAsync(120_000);
    await done;
    expect((times[1] as number) - (times[0] as number)).toBe(30_050);
    // Nearly all weight now sits at first read + eta (within a 10% bin).
    expect(Math.abs(sketch.quantile(0.5) - (Math.round(firstReadAt(new DurationSketch(10_000), readPlanSettings({}, 10_000))) + 30_000))).toBeLessThan(3500);
  });
});

describe('learned durations in a provider', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  const adapter = (): ProviderAdapter => {
    let reads = 0;
    return {
      id: 'fake',
      models: {
        'glm-image': asyncOnlySpec({ typicalDurationMs: 10_000 }),
      },
      submitAsync: async () => ({ taskId: `t${reads}`, raw: {} }),
      readStatus: async () =>
        reads++ % 2 === 0 ? { state: 'running', raw: {} } : { state: 'succeeded', output: { images: [{ url: 'https://img.test/a.png' }], raw: {} }, raw: {} },
    };
  };

  it('learns into the injected registry, and each provider has its own by default', async () => {
    const durations = new DurationRegistry();
    const shared = createProvider(adapter(), { durations });
    const own = createProvider(adapter());
    const done = Promise.all([shared.generate({ model: 'glm-image', prompt: 'a' }), own.generate({ model: 'glm-image', prompt: 'b' })]);
    await vi.advanceTimersByTimeAsync(60_000);
    await done;
    expect(durations.size).toBe(1);
    expect(durations.sketch('fake', 'glm-image', 1).observations).toBe(1);
  });

  it('factory options accept only a DurationRegistry', () => {
    expect(() => parseFactoryOptions(providerClientOptionsSchema, { durations: { sketches: {} } }, 'fake')).toThrow(/durations must be a DurationRegistry/);
    const durations = new DurationRegistry();
    expect(parseFactoryOptions(providerClientOptionsSchema, { durations }, 'fake').durations).toBe(durations);
  });
});

describe('cdfFunction', () => {
  it('is the sketch\'s cdf at every point, including outside the layout, and 0 for an empty sketch', () => {
    const sketch = new DurationSketch(20_000);
    for (const ms of [3_000, 9_000, 20_000, 20_000, 41_000]) sketch.observe(ms, ms);
    const F = cdfFunction(sketch);
    for (const ms of [-1, 0, 50, 100, 1_000, 12_345, 20_000, 33_333, 1e6, 1e9]) expect(F(ms)).toBeCloseTo(sketch.cdf(ms), 12);
    expect(cdfFunction(new DurationSketch(20_000, { priorWeight: 0 }))(20_000)).toBe(0);
  });
});
