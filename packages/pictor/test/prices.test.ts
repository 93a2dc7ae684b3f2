import { describe, expect, it } from 'vitest';
import { pictorThrown as configError } from '@pictor/testing/vitest';
import { collectEvents, createImageClient, type PictorEvent } from '../src/index.ts';

const fast = { poll: { firstDelayMs: 0, intervalMs: 2, minIntervalMs: 2, maxEtaWaitMs: 2 } };
const configured = { images: 1, basis: 'configured', usdPerImage: 0.012, usd: 0.012 };

describe('client config prices', () => {
  it('leaves the published price when none is configured (the mock is free: published 0)', async () => {
    const client = createImageClient({ model: 'mock:glm-image', providers: { mock: { durationMs: 5 } } });
    const result = await client.generate({ prompt: 'a cat' }, fast);
    expect(result.cost).toEqual({ images: 1, basis: 'published', usdPerImage: 0, usd: 0 });
  });

  it('applies a configured price to generate, submit, status, wait and the events', async () => {
    const client = createImageClient({ model: 'mock:glm-image', providers: { mock: { durationMs: 5 } }, prices: { 'mock:glm-image': { usdPerImage: 0.012 } } });
    const { events, listener } = collectEvents();
    expect((await client.generate({ prompt: 'a cat' }, { ...fast, onEvent: listener })).cost).toEqual(configured);
    const completed = events.find((e) => e.type === 'completed') as Extract<PictorEvent, { type: 'completed' }>;
    expect(completed.result.cost).toEqual(configured);

    const handle = await client.submit({ prompt: 'a cat' });
    expect((await client.wait(handle, fast)).cost).toEqual(configured);
    const status = await client.status(handle);
    expect(status.result?.cost).toEqual(configured);
  });

  it('prices a sync handle and its submitted event', async () => {
    const client = createImageClient({ model: 'mock:cogview-4-250304', prices: { 'mock:cogview-4-250304': { usdPerImage: 0.012 } } });
    const { events, listener } = collectEvents();
    const handle = await client.submit({ prompt: 'x' }, { onEvent: listener });
    expect(handle.result?.cost).toEqual(configured);
    const submitted = events.find((e) => e.type === 'submitted') as Extract<PictorEvent, { type: 'submitted' }>;
    expect(submitted.handle.result?.cost).toEqual(configured);
  });

  it('prices only the model it names', async () => {
    const client = createImageClient({ model: 'mock:glm-image', providers: { mock: { durationMs: 5 } }, prices: { 'mock:cogview-4-250304': { usdPerImage: 0.5 } } });
    expect((await client.generate({ prompt: 'x' }, fast)).cost.basis).toBe('published');
    expect((await client.generate({ prompt: 'x', model: 'cogview-4-250304' }, fast)).cost).toMatchObject({ basis: 'configured', usd: 0.5 });
  });

  it('refuses a negative or non-numeric price, naming the field', () => {
    const negative = configError(() => createImageClient({ model: 'mock:glm-image', prices: { 'mock:glm-image': { usdPerImage: -1 } } }));
    expect(negative.kind).toBe('invalid_request');
    expect(negative.message).toContain('prices');
    expect(configError(() => createImageClient({ model: 'mock:glm-image', prices: { 'mock:glm-image': { usd: 1 } } } as never)).message).toContain('usdPerImage');
    expect(configError(() => createImageClient({ model: 'mock:glm-image', prices: { 'glm-image': { usdPerImage: 1 } } })).message).toContain('provider:model');
  });

  it('refuses a price for a model that does not exist (a typo would keep the published price silently)', () => {
    const error = configError(() => createImageClient({ model: 'mock:glm-image', prices: { 'mock:glm-imag': { usdPerImage: 1 } } }));
    expect(error.message).toContain('Unknown model "glm-imag"');
    expect(configError(() => createImageClient({ model: 'mock:glm-image', prices: { 'dalle:v3': { usdPerImage: 1 } } })).message).toContain('Unknown provider "dalle"');
  });

  it('records CallOptions.traceparent in the handle of the task it submits', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const client = createImageClient({ model: 'mock:glm-image', providers: { mock: { durationMs: 5 } } });
    expect((await client.submit({ prompt: 'x' }, { traceparent })).traceparent).toBe(traceparent);
    expect((await client.submit({ prompt: 'x' })).traceparent).toBeUndefined();
  });
});
