import type { Histogram } from '@opentelemetry/sdk-metrics';
import { createMock } from '@pictor/mock';
import { startEmulator } from '@pictor/testing';
import { createImageClient } from 'pictor';
import { describe, expect, it } from 'vitest';
import { fastPoll, otelHarness } from './harness.ts';

const histogram = (value: unknown) => value as Histogram;

describe('metrics', () => {
  it('counts generations and images, status reads per task, durations, and USD at the configured price', async () => {
    const otel = otelHarness();
    const client = otel.telemetry.instrument(
      // n=2 in one call: a mock that deliberately differs from glm-image (one image per call).
      createImageClient({
        model: 'mock:glm-image',
        providers: { mock: { durationMs: 5, models: { 'glm-image': { maxImagesPerCall: 4 } } } },
        prices: { 'mock:glm-image': { usdPerImage: 0.012 } },
      }),
    );
    const first = await client.generate({ prompt: 'a', n: 2, seed: 7 }, fastPoll);
    const second = await client.generate({ prompt: 'b' }, fastPoll);
    const calls = (await otel.snapshot()).named('generate_content glm-image');
    expect(calls.map((s) => [s.attributes['gen_ai.request.choice.count'], s.attributes['gen_ai.request.seed']])).toEqual([
      [2, 7],
      [undefined, undefined],
    ]);

    const labels = { 'gen_ai.provider.name': 'mock', 'gen_ai.request.model': 'glm-image', 'pictor.operation': 'generate' };
    const [generations] = await otel.points('pictor.generations');
    expect(generations).toMatchObject({ attributes: labels, value: 2 });
    const [images] = await otel.points('pictor.images');
    expect(images).toMatchObject({ attributes: labels, value: 3 });
    const [cost] = await otel.points('pictor.cost');
    expect(cost?.attributes).toEqual({ ...labels, 'pictor.cost.basis': 'configured' });
    expect(cost?.value).toBeCloseTo(0.036, 9);

    const [reads] = await otel.points('pictor.status_requests');
    expect(histogram(reads?.value)).toMatchObject({ count: 2, sum: first.timings.statusRequests + second.timings.statusRequests });
    const [duration] = await otel.points('gen_ai.client.operation.duration');
    expect(duration?.attributes).toEqual({ ...labels, 'gen_ai.operation.name': 'generate_content' });
    expect(histogram(duration?.value).count).toBe(2);
    // Seconds, not milliseconds: two local mock generations take well under a minute.
    expect(histogram(duration?.value).sum).toBeLessThan(60);
  });

  it('records no USD when the price is unknown, never a 0', async () => {
    const emulator = await startEmulator({ imageSize: { width: 8, height: 8 } });
    try {
      const otel = otelHarness();
      const client = otel.telemetry.instrument(createImageClient({ model: 'zai:cogview-4-250304', providers: { zai: { apiKey: 'otelFakeKey0123456789', baseURL: emulator.zaiBaseURL } } }));
      const result = await client.generate({ prompt: 'x' });
      expect(result.cost).toMatchObject({ basis: 'unknown', usd: undefined });
      expect(await otel.points('pictor.cost')).toEqual([]);
      expect(await otel.points('pictor.images')).toMatchObject([{ value: 1 }]);
      // A sync model has no task to poll: no status-reads sample either.
      expect(await otel.points('pictor.status_requests')).toEqual([]);
      const t = await otel.snapshot();
      expect(t.one('generate_content cogview-4-250304').attributes).toMatchObject({ 'pictor.cost.basis': 'unknown' });
      expect(t.one('generate_content cogview-4-250304').attributes['pictor.cost.usd']).toBeUndefined();
    } finally {
      await emulator.close();
    }
  });

  it('labels failures with error.type, and counts the reads of a task that failed', async () => {
    const otel = otelHarness();
    const mock = otel.telemetry.instrument(createMock({ durationMs: 5, faults: [{ on: 'task', fail: 'sensitive content' }] }));
    await expect(mock.generate({ prompt: 'x', model: 'glm-image' }, fastPoll)).rejects.toMatchObject({ kind: 'task_failed' });
    const [generations] = await otel.points('pictor.generations');
    expect(generations).toMatchObject({ value: 1, attributes: { 'error.type': 'task_failed', 'pictor.operation': 'generate' } });
    const [reads] = await otel.points('pictor.status_requests');
    expect(histogram(reads?.value).count).toBe(1);
    expect(histogram(reads?.value).sum).toBeGreaterThanOrEqual(1);
    expect(await otel.points('pictor.images')).toEqual([]);
    const t = await otel.snapshot();
    expect(t.one('generate_content glm-image').attributes).toMatchObject({ 'error.type': 'task_failed', 'pictor.submit.outcome': 'accepted' });
  });

  it('measures submit and wait separately; a generation is counted when the wait ends', async () => {
    const otel = otelHarness();
    const mock = otel.telemetry.instrument(createMock({ durationMs: 5 }));
    const handle = await mock.submit({ prompt: 'x', model: 'glm-image' });
    expect(await otel.points('pictor.generations')).toEqual([]);
    await mock.wait(handle, fastPoll);
    const operations = (await otel.points('gen_ai.client.operation.duration')).map((p) => p.attributes['pictor.operation']).sort();
    expect(operations).toEqual(['submit', 'wait']);
    expect(await otel.points('pictor.generations')).toMatchObject([{ value: 1, attributes: { 'pictor.operation': 'wait' } }]);
  });
});
