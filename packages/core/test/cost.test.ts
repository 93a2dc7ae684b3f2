import { describe, expect, it } from 'vitest';
import { applyPrice, costOf } from '../src/cost.ts';
import { formatCost, parseTaskHandle, type ImageResult } from '../src/index.ts';

const result = (over: Partial<ImageResult> = {}): ImageResult =>
  ({
    provider: 'zai',
    model: 'glm-image',
    images: [],
    cost: costOf({ pricePerImageUsd: 0.015 }, 3),
    ...over,
  }) as ImageResult;

describe('costOf', () => {
  it('uses the published price, rounded to a millionth of a dollar', () => {
    expect(costOf({ pricePerImageUsd: 0.015 }, 3)).toEqual({ images: 3, basis: 'published', usdPerImage: 0.015, usd: 0.045 });
  });

  it('lets a configured price win over the published one', () => {
    expect(costOf({ pricePerImageUsd: 0.015 }, 2, { usdPerImage: 0.012 })).toEqual({ images: 2, basis: 'configured', usdPerImage: 0.012, usd: 0.024 });
  });

  it('says unknown, with usd undefined rather than 0, when no price exists', () => {
    const cost = costOf({}, 2);
    expect(cost).toEqual({ images: 2, basis: 'unknown', usdPerImage: undefined, usd: undefined });
    expect('usd' in cost && cost.usd).not.toBe(0);
  });

  it('keeps a published price of 0 (a free model) as published, not unknown', () => {
    expect(costOf({ pricePerImageUsd: 0 }, 1)).toEqual({ images: 1, basis: 'published', usdPerImage: 0, usd: 0 });
  });
});

describe('applyPrice', () => {
  it('re-prices a result whose provider:model has a configured price', () => {
    const priced = applyPrice(result(), { 'zai:glm-image': { usdPerImage: 0.01 } });
    expect(priced.cost).toEqual({ images: 3, basis: 'configured', usdPerImage: 0.01, usd: 0.03 });
  });

  it('returns the same result when the table has no price for its model', () => {
    const original = result();
    expect(applyPrice(original, { 'novita:glm-image': { usdPerImage: 0.01 } })).toBe(original);
  });
});

describe('formatCost', () => {
  it('says the amount, the count, the unit price and the basis', () => {
    expect(formatCost(costOf({ pricePerImageUsd: 0.015 }, 2))).toBe('$0.03 (2 images at $0.015, published)');
    expect(formatCost(costOf({}, 1, { usdPerImage: 0.012 }))).toBe('$0.012 (1 image at $0.012, configured)');
    expect(formatCost(costOf({}, 1))).toBe('unknown (no published or configured price for 1 image)');
  });
});

describe('TaskHandle.traceparent', () => {
  const base = { version: 1, provider: 'zai', model: 'glm-image', taskId: 't-1', mode: 'async', submittedAt: '2026-01-01T00:00:00.000Z', size: { width: 1, height: 1 }, quality: 'hd', n: 1 };
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  it('survives a round trip through JSON', () => {
    expect(parseTaskHandle(JSON.stringify({ ...base, traceparent })).traceparent).toBe(traceparent);
  });

  it('is dropped, not fatal, when malformed (a foreign or hostile file)', () => {
    for (const bad of ['nope', 42, 'x'.repeat(10_000), `${traceparent}\n`]) {
      const handle = parseTaskHandle({ ...base, traceparent: bad });
      expect(handle.traceparent).toBeUndefined();
      expect(handle.taskId).toBe('t-1');
    }
  });
});
