import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { POLL_PRESETS, PictorError, type TaskStatus } from '../src/index.ts';
import type { ProviderAdapter } from '../src/adapter.ts';
import { DurationRegistry, MAX_SKETCHES } from '../src/duration-registry.ts';
import { DurationSketch, SKETCH_LAYOUT } from '../src/durations.ts';
import { pollUntilDone, readPlanSettings } from '../src/poll.ts';
import { createProvider } from '../src/provider.ts';
import { asyncOnlySpec } from './model-spec.ts';
import { parseFactoryOptions, providerClientOptionsSchema } from '../src/provider-options.ts';
import { firstReadAt, nextReadAt } from '../src/read-plan.ts';

/** Deterministic log-normal sample: the (i + 0.5) / n quantiles (inverse normal by bisection on erf-free Phi). */
function lognormalGrid(medianMs: number, sigma: number, n: number): number[] {
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
const shuffled = (values: number[]) => values.map((v, i) => [((i * 7919) % values.length) as number, v] as const).sort((a, b) => a[0] - b[0]).map(([, v]) => v);

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

/** Walks the plan for one task of `ms`: its reads and extra latency. */
function walk(sketch: DurationSketch, ms: number, options = {}) {
  const settings = readPlanSettings(options, 20_000);
  let t = firstReadAt(sketch, settings);
  let reads = 1;
  while (t < ms) {
    t = nextReadAt(sketch, t, settings);
    reads++;
  }
  return { reads, extra: t - ms };
}

describe('nextReadAt', () => {
  const learned = () => {
    const sketch = new DurationSketch(20_000);
    for (const ms of shuffled(lognormalGrid(20_000, 0.5, 100))) sketch.observe(ms, ms);
    return sketch;
  };

  it('reads first at the learned quantile, then moves forward within the interval bounds', () => {
    const sketch = learned();
    const settings = readPlanSettings({}, 20_000);
    expect(firstReadAt(sketch, settings)).toBeCloseTo(sketch.quantile(0.08), 6);
    let t = firstReadAt(sketch, settings);
    for (let i = 0; i < 300; i++) {
      const next = nextReadAt(sketch, t, settings);
      expect(next - t).toBeGreaterThanOrEqual(settings.minIntervalMs);
      expect(next - t).toBeLessThanOrEqual(settings.maxIntervalMs + 1e-6);
      t = next;
    }
    // In the bulk the gap is at most spacingRatio x the median; past the tail quantile it grows.
    expect(nextReadAt(sketch, 20_000, settings) - 20_000).toBeLessThanOrEqual(0.055 * 20_000 + 1e-6);
    expect(nextReadAt(sketch, 200_000, settings) - 200_000).toBeCloseTo(settings.maxIntervalMs, 6);
  });

  it('spends a bounded number of reads on a task stuck far in the tail', () => {
    expect(walk(learned(), 10 * 60_000).reads).toBeLessThan(120);
  });

  it('orders the presets by reads and latency: eager > balanced > frugal', () => {
    const sketch = learned();
    const tasks = lognormalGrid(20_000, 0.5, 200);
    const run = (options: object) => {
      const r = tasks.map((ms) => walk(sketch, ms, options));
      return { reads: r.reduce((a, b) => a + b.reads, 0), extra: r.reduce((a, b) => a + b.extra, 0) };
    };
    const [eager, balanced, frugal] = [run(POLL_PRESETS.eager), run(POLL_PRESETS.balanced), run(POLL_PRESETS.frugal)];
    expect(eager.reads).toBeGreaterThan(balanced.reads);
    expect(balanced.reads).toBeGreaterThan(frugal.reads);
    expect(eager.extra).toBeLessThan(balanced.extra);
    expect(balanced.extra).toBeLessThan(frugal.extra);
    // Balanced against a 500 ms poller on the same tasks: under a third of its reads.
    const poller = tasks.reduce((a, ms) => a + Math.ceil(ms / 500), 0);
    expect(balanced.reads).toBeLessThan(0.33 * poller);
  });
});

describe('pollUntilDone learning', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());
  const deadline = () => new PictorError({ kind: 'timeout', message: 'deadline' });

  it('plans on the given sketch and records the interval the task ended in', async () => {
    const sketch = new DurationSketch(10_000);
    const first = sketch.quantile(0.08);
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
    expect(Math.abs(sketch.quantile(0.5) - (Math.round(new DurationSketch(10_000).quantile(0.08)) + 30_000))).toBeLessThan(3500);
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
