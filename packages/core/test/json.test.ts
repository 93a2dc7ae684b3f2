import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonLossless } from '../src/adapter-api.ts';

/** A JSON text with bare integers of any length spliced in, and the value each should read as. */
const bigIntegers = fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n });

describe('parseJsonLossless (linear scanner)', () => {
  it('reads any JSON like JSON.parse, unsafe plain integers as their source digits', () => {
    // The oracle: JSON.parse with source text access (V8's JSON.parse with source, Node >= 22).
    const reviver = (_key: string, value: unknown, context?: { source?: string }) =>
      typeof value === 'number' && !Number.isSafeInteger(value) && /^-?\d+$/.test(context?.source ?? '') ? context?.source : value;
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        expect(parseJsonLossless(text)).toEqual(JSON.parse(text, reviver as never));
      }),
      { numRuns: 500 },
    );
  });

  it('turns every unsafe bare integer into its exact digits, and leaves safe ones numbers', () => {
    fc.assert(
      fc.property(fc.array(bigIntegers, { maxLength: 8 }), fc.string(), (numbers, label) => {
        const text = `{"label":${JSON.stringify(label)},"values":[${numbers.join(', ')}]}`;
        const expected = numbers.map((n) => (Number.isSafeInteger(Number(n)) ? Number(n) : String(n)));
        expect(parseJsonLossless(text)).toEqual({ label, values: expected });
      }),
      { numRuns: 300 },
    );
  });

  it('skips digits in strings (with escaped quotes and backslash runs), fractions and exponents', () => {
    const text =
      '{"a":"\\\\","b":"\\" 12345678901234567890 \\\\\\"","c":0.12345678901234567890,"d":12345678901234567890e2,' +
      '"e":-1.5E+300,"f":12345678901234567890}';
    expect(parseJsonLossless(text)).toEqual({
      a: '\\',
      b: '" 12345678901234567890 \\"',
      c: 0.12345678901234567890,
      d: 12345678901234567890e2,
      e: -1.5e300,
      f: '12345678901234567890',
    });
  });

  it('keeps digit runs of any length whole (no 400-character window) at the top level too', () => {
    const digits = '9'.repeat(5000);
    expect(parseJsonLossless(digits)).toBe(digits);
    expect(parseJsonLossless(` [ ${digits} , 1 ]`)).toEqual([digits, 1]);
  });

  it('walks only the parsed value\'s own keys: an enumerable key added to Object.prototype is never read', () => {
    // Walked, it would be read on every object, and forever if it held an object: the getter
    // counts the reads and gives a fresh object each time.
    let reads = 0;
    Object.defineProperty(Object.prototype, 'pictorTestPolluted', {
      enumerable: true,
      configurable: true,
      get() {
        if (++reads > 100) throw new Error('the walk follows inherited keys');
        return { nested: 1 };
      },
      // Code that copies objects key by key (for...in) assigns it: an own property then.
      set(value) {
        Object.defineProperty(this, 'pictorTestPolluted', { value, writable: true, enumerable: true, configurable: true });
      },
    });
    try {
      // No unsafe number to stop the walk early: every object in it is walked.
      const value = parseJsonLossless('{"a":{"b":[1,{"c":2}]},"n":3}') as Record<string, unknown>;
      const readsByParse = reads;
      expect(Object.keys(value)).toEqual(['a', 'n']);
      expect(readsByParse).toBe(0);
    } finally {
      delete (Object.prototype as Record<string, unknown>).pictorTestPolluted;
    }
  });

  it('throws SyntaxError on malformed input, including an unterminated string after a long number', () => {
    expect(() => parseJsonLossless('[12345678901234567890, "abc')).toThrow(SyntaxError);
    expect(() => parseJsonLossless('{"a": 12345678901234567890')).toThrow(SyntaxError);
  });
});
