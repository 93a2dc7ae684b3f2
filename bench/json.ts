/**
 * 6. Lossless JSON: parseJsonLossless against JSON.parse on the same text, same run.
 * The body is 20 MB (10 MB for the linearity check) of what made the old scanner
 * quadratic and OOM: bare 19-digit ids and long bare digit runs (so the lossless
 * scan runs), digit runs inside strings, and large b64 payloads.
 */
import { parseJsonLossless } from '@pictor/core/adapter';
import { fmt, type Row } from './lib.ts';

/** A JSON text of about `bytes`: records with a bare 19-digit id, a 300-digit bare number, digits in strings and a b64 payload. */
export function hostileBody(bytes: number): string {
  const b64 = Buffer.alloc(48 * 1024, 7).toString('base64');
  const records: string[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const record = `{"id":${8353992347972780031n + BigInt(i)},"run":${'9'.repeat(300)},"note":"${'1234567890'.repeat(20)}","b64_json":"${b64}","n":${i}}`;
    records.push(record);
    size += record.length + 1;
  }
  return `{"data":[${records.join(',')}]}`;
}

/** The fastest of `runs` parses (the run least disturbed by other processes and GC). */
function time(parse: (text: string) => unknown, text: string, runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    parse(text);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

export function runJson(quick: boolean): Row[] {
  const runs = quick ? 3 : 7;
  const big = hostileBody(20_000_000);
  const half = hostileBody(10_000_000);
  // Warm both paths up first.
  time(JSON.parse, half, 1);
  time(parseJsonLossless, half, 1);
  const lossless = time(parseJsonLossless, big, runs);
  const plain = time(JSON.parse, big, runs);
  const losslessHalf = time(parseJsonLossless, half, runs);
  const mb = (big.length / 1e6).toFixed(0);
  return [
    {
      scenario: `json ${mb} MB, digit runs + b64`,
      metric: 'parse time (ms)',
      pictor: fmt(lossless, 1),
      baseline: `JSON.parse ${fmt(plain, 1)}`,
      ratio: `${fmt(lossless / plain)}x JSON.parse`,
      target: '<= 3x JSON.parse',
      met: lossless <= 3 * plain,
    },
    {
      scenario: `json ${mb} MB vs ${(half.length / 1e6).toFixed(0)} MB`,
      metric: 'lossless time, 2x input (linearity)',
      pictor: fmt(lossless, 1),
      baseline: `half-size body ${fmt(losslessHalf, 1)}`,
      ratio: `${fmt(lossless / losslessHalf)}x`,
      target: '<= 2.5x (linear)',
      met: lossless / losslessHalf <= 2.5,
    },
  ];
}
