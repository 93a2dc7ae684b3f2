/**
 * Property tests: for any input, size validation, aspect-ratio resolution and the
 * request schema either succeed or throw a typed invalid_request error that names
 * the rule; snapping always yields a valid size; a valid size always passes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COGVIEW_4_SIZES,
  GLM_IMAGE_SIZES,
  PictorError,
  checkSize,
  isValidSize,
  nearestValidSizes,
  parseImageRequest,
  resolveAspectRatio,
  snapSize,
  validateSize,
  type SizeRule,
} from '../src/index.ts';

const rules: [string, SizeRule][] = [
  ['glm-image', GLM_IMAGE_SIZES],
  ['cogview-4', COGVIEW_4_SIZES],
];

function onlyTypedErrors(run: () => unknown, check: (error: PictorError) => void = () => undefined): boolean {
  try {
    run();
  } catch (error) {
    if (!(error instanceof PictorError) || error.kind !== 'invalid_request') throw error;
    check(error);
  }
  return true;
}

const anything = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.record({ width: fc.oneof(fc.integer(), fc.double(), fc.string()), height: fc.oneof(fc.integer(), fc.double(), fc.constant(null)) }),
  fc.tuple(fc.integer({ min: -10, max: 5000 }), fc.integer({ min: -10, max: 5000 })).map(([w, h]) => `${w}x${h}`),
);

describe.each(rules)('%s size rule', (_name, rule) => {
  it('validateSize throws nothing but a typed invalid_request naming the rule', () => {
    fc.assert(
      fc.property(anything, (input) =>
        onlyTypedErrors(
          () => validateSize(input, rule),
          (error) => {
            expect(['format', 'min', 'max', 'multipleOf', 'maxPixels']).toContain(error.details?.rule);
          },
        ),
      ),
      { numRuns: 2000 },
    );
  });

  it('snapping always returns a valid size, and the nearest sizes are all valid', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 20_000 }), (width, height) => {
        expect(isValidSize(snapSize({ width, height }, rule), rule)).toBe(true);
        for (const size of nearestValidSizes({ width, height }, rule)) expect(isValidSize(size, rule)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('a valid size always passes', () => {
    const valid = fc
      .tuple(fc.integer({ min: rule.min / rule.multipleOf, max: rule.max / rule.multipleOf }), fc.integer({ min: rule.min / rule.multipleOf, max: rule.max / rule.multipleOf }))
      .map(([w, h]) => ({ width: w * rule.multipleOf, height: h * rule.multipleOf }))
      .filter((s) => s.width * s.height <= rule.maxPixels);
    fc.assert(
      fc.property(valid, (size) => {
        expect(checkSize(size, rule)).toEqual([]);
        expect(validateSize(`${size.width}x${size.height}`, rule)).toEqual(size);
      }),
      { numRuns: 2000 },
    );
  });

  it('an invalid size always names the rules it breaks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 }), (width, height) => {
        const violations = checkSize({ width, height }, rule);
        if (violations.length === 0) return;
        try {
          validateSize({ width, height }, rule);
          expect.unreachable();
        } catch (error) {
          for (const v of violations) expect((error as PictorError).message).toContain(v.message);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('aspect ratios resolve to a valid size or a typed error', () => {
    const ratio = fc.oneof(
      fc.string(),
      fc.tuple(fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true })).map(([a, b]) => `${a}:${b}`),
      fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 })).map(([a, b]) => `${a}:${b}`),
    );
    fc.assert(
      fc.property(ratio, (input) =>
        onlyTypedErrors(() => {
          expect(isValidSize(resolveAspectRatio(input, rule), rule)).toBe(true);
        }),
      ),
      { numRuns: 2000 },
    );
  });
});

describe('request schema', () => {
  it('parses or throws a typed invalid_request for any input', () => {
    const request = fc.record(
      {
        model: fc.oneof(fc.string(), fc.integer()),
        prompt: fc.oneof(fc.string(), fc.constant(''), fc.integer()),
        size: anything,
        aspectRatio: fc.oneof(fc.string(), fc.constant('16:9')),
        quality: fc.oneof(fc.string(), fc.constant(null)),
        n: fc.oneof(fc.integer(), fc.double()),
        userId: fc.string({ maxLength: 200 }),
        watermark: fc.anything(),
        seed: fc.oneof(fc.integer(), fc.double()),
        mode: fc.oneof(fc.constantFrom('sync', 'async'), fc.string()),
        providerOptions: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(request, fc.anything()), (input) => onlyTypedErrors(() => parseImageRequest(input))),
      { numRuns: 3000 },
    );
  });
});
