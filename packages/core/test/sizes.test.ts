import { describe, expect, it } from 'vitest';
import { pictorThrown as errorOf } from '@pictor/testing/vitest';
import { COGVIEW_4_SIZES, GLM_IMAGE_SIZES, checkSize, formatSize, isValidSize, nearestValidSizes, parseAspectRatio, parseSize, resolveAspectRatio, snapSize, validateSize } from '../src/index.ts';

describe('parseSize', () => {
  it('parses WxH strings and objects', () => {
    expect(parseSize('1280x1280')).toEqual({ width: 1280, height: 1280 });
    expect(parseSize(' 1024 X 768 ')).toEqual({ width: 1024, height: 768 });
    expect(parseSize({ width: 512, height: 640 })).toEqual({ width: 512, height: 640 });
  });

  it.each(['1280', 'axb', '0x100', '100x0', '', '12.5x100'])('refuses %j with a format error', (input) => {
    const error = errorOf(() => parseSize(input));
    expect(error.kind).toBe('invalid_request');
    expect(error.details?.rule).toBe('format');
  });

  it('refuses non-integer and negative objects', () => {
    expect(errorOf(() => parseSize({ width: 10.5, height: 10 })).kind).toBe('invalid_request');
    expect(errorOf(() => parseSize({ width: -1, height: 10 })).kind).toBe('invalid_request');
    expect(errorOf(() => parseSize(null)).message).toContain('WxH');
  });
});

describe('glm-image rule', () => {
  const rule = GLM_IMAGE_SIZES;
  it('accepts every preset, including those below the 1024 minimum', () => {
    for (const preset of rule.presets) expect(isValidSize(parseSize(preset), rule)).toBe(true);
    expect(isValidSize({ width: 1728, height: 960 }, rule)).toBe(true);
    expect(checkSize({ width: 960, height: 1728 }, rule)).toEqual([]);
  });

  it('accepts custom sizes at the edges', () => {
    expect(isValidSize({ width: 1024, height: 1024 }, rule)).toBe(true);
    expect(isValidSize({ width: 2048, height: 2048 }, rule)).toBe(true); // exactly 2^22
    expect(isValidSize({ width: 2048, height: 1024 }, rule)).toBe(true);
  });

  it('names the broken rule at each edge', () => {
    expect(checkSize({ width: 992, height: 1024 }, rule).map((v) => v.rule)).toEqual(['min']);
    expect(checkSize({ width: 2080, height: 1024 }, rule).map((v) => v.rule)).toEqual(['max']);
    expect(checkSize({ width: 1040, height: 1024 }, rule).map((v) => v.rule)).toEqual(['multipleOf']);
    expect(checkSize({ width: 1000, height: 1024 }, rule).map((v) => v.rule)).toEqual(['min', 'multipleOf']);
  });

  it('validateSize errors list the rule and the nearest valid sizes', () => {
    const error = errorOf(() => validateSize('1000x1000', rule, 'glm-image'));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain('below the minimum of 1024');
    expect(error.message).toContain('not a multiple of 32');
    expect(error.message).toContain('Nearest valid sizes: 1024x1024');
    expect(error.details?.nearest).toContain('1024x1024');
  });
});

describe('cogview-4 rule', () => {
  const rule = COGVIEW_4_SIZES;
  it('enforces 512-2048, multiples of 16 and 2^21 pixels', () => {
    expect(isValidSize({ width: 512, height: 512 }, rule)).toBe(true);
    expect(isValidSize({ width: 2048, height: 1024 }, rule)).toBe(true); // exactly 2^21
    expect(checkSize({ width: 496, height: 512 }, rule).map((v) => v.rule)).toEqual(['min']);
    expect(checkSize({ width: 520, height: 512 }, rule).map((v) => v.rule)).toEqual(['multipleOf']);
    expect(checkSize({ width: 2048, height: 1040 }, rule).map((v) => v.rule)).toEqual(['maxPixels']);
    expect(checkSize({ width: 2064, height: 512 }, rule).map((v) => v.rule)).toEqual(['max']);
  });
});

describe('snapSize and nearestValidSizes', () => {
  it('returns valid sizes unchanged', () => {
    expect(snapSize({ width: 1280, height: 1280 }, GLM_IMAGE_SIZES)).toEqual({ width: 1280, height: 1280 });
  });

  it('snaps to the multiple, the bounds and the pixel cap', () => {
    expect(snapSize({ width: 1000, height: 1000 }, GLM_IMAGE_SIZES)).toEqual({ width: 1024, height: 1024 });
    expect(snapSize({ width: 1300, height: 1290 }, GLM_IMAGE_SIZES)).toEqual({ width: 1312, height: 1280 });
    const capped = snapSize({ width: 2048, height: 2048 }, COGVIEW_4_SIZES);
    expect(isValidSize(capped, COGVIEW_4_SIZES)).toBe(true);
    expect(capped.width).toBe(capped.height);
    expect(isValidSize(snapSize({ width: 9000, height: 10 }, GLM_IMAGE_SIZES), GLM_IMAGE_SIZES)).toBe(true);
  });

  it('lists distinct valid sizes, closest first', () => {
    const nearest = nearestValidSizes({ width: 1900, height: 1000 }, GLM_IMAGE_SIZES);
    expect(nearest).toHaveLength(3);
    for (const size of nearest) expect(isValidSize(size, GLM_IMAGE_SIZES)).toBe(true);
    expect(new Set(nearest.map(formatSize)).size).toBe(3);
    expect(formatSize(nearest[0]!)).toBe('1888x1024');
  });
});

describe('aspect ratios', () => {
  it('resolves to a preset when one matches', () => {
    expect(resolveAspectRatio('1:1', GLM_IMAGE_SIZES)).toEqual({ width: 1280, height: 1280 });
    expect(resolveAspectRatio('16:9', GLM_IMAGE_SIZES)).toEqual({ width: 1728, height: 960 });
    expect(resolveAspectRatio('9:16', COGVIEW_4_SIZES)).toEqual({ width: 768, height: 1344 });
    expect(resolveAspectRatio('3:4', COGVIEW_4_SIZES)).toEqual({ width: 864, height: 1152 });
  });

  it('otherwise computes the nearest valid size with that ratio', () => {
    const size = resolveAspectRatio('5:4', GLM_IMAGE_SIZES);
    expect(isValidSize(size, GLM_IMAGE_SIZES)).toBe(true);
    expect(size.width / size.height).toBeCloseTo(1.25, 1);
  });

  it('refuses malformed and extreme ratios', () => {
    expect(errorOf(() => parseAspectRatio('16/9')).kind).toBe('invalid_request');
    expect(errorOf(() => parseAspectRatio('0:1')).message).toContain('W:H');
    expect(errorOf(() => parseAspectRatio('100:1')).message).toContain('too extreme');
    expect(parseAspectRatio('1.5:1')).toBe(1.5);
  });
});
