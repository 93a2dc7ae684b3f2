/**
 * Overhead of Pictor inside the AI SDK: `generateImage` on a Pictor route
 * (@pictor/ai-sdk, Z.AI cogview-4 on the emulator) against `generateImage` on the
 * SDK's own route to the same endpoint (@ai-sdk/openai-compatible). Both make one
 * generation request and one image download per call (the emulator's images are
 * 8x8 PNGs), so the difference is Pictor's validation, routing and guarded download.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { createPictor } from '@pictor/ai-sdk';
import { generateImage } from 'ai';
import { fmt, load, median, percentile, startEmulatorProcess, type Row } from './lib.ts';

export async function runOverheadAiSdk(quick: boolean): Promise<Row[]> {
  const emulator = await startEmulatorProcess();
  const key = 'bench-key-000000000000';
  const sdkOwn = createOpenAICompatible({ name: 'zai', baseURL: emulator.zaiBaseURL, apiKey: key }).imageModel('cogview-4-250304');
  const pictor = createPictor({ model: 'zai:cogview-4-250304', providers: { zai: { apiKey: key, baseURL: emulator.zaiBaseURL } } });
  const throughPictor = pictor.imageModel('zai:cogview-4-250304');
  // The SDK logs each warning; neither route produces one here, but a stray log would skew timings.
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  const clients: Record<string, (i: number) => Promise<unknown>> = {
    'ai-sdk': (i) => generateImage({ model: sdkOwn, prompt: `p ${i}`, size: '1024x1024', maxRetries: 0 }),
    'ai-sdk+pictor': (i) => generateImage({ model: throughPictor, prompt: `p ${i}`, size: '1024x1024', maxRetries: 0 }),
  };
  const rows: Row[] = [];
  try {
    for (const call of Object.values(clients)) await load(quick ? 50 : 300, 8, call); // warm up
    for (const concurrency of [1, 32]) {
      const count = quick ? (concurrency === 1 ? 100 : 400) : concurrency === 1 ? 600 : 2400;
      const best: Record<string, { rps: number; p50: number; p99: number }> = {};
      // Two interleaved rounds; the better of each client's rounds is kept (machines drift).
      for (let round = 0; round < 2; round++) {
        for (const [name, call] of Object.entries(clients)) {
          const { latencies, wallMs } = await load(count, concurrency, call);
          const rps = count / (wallMs / 1000);
          if (!best[name] || rps > best[name].rps) best[name] = { rps, p50: median(latencies), p99: percentile(latencies, 99) };
        }
      }
      const own = best['ai-sdk']!;
      const via = best['ai-sdk+pictor']!;
      rows.push({
        scenario: `AI SDK generateImage through Pictor c=${concurrency}`,
        metric: 'throughput (req/s)',
        pictor: fmt(via.rps, 0),
        baseline: `ai-sdk's own route ${fmt(own.rps, 0)}`,
        ratio: `${fmt(via.rps / own.rps)}x`,
        target: '>= 0.8x ai-sdk',
        met: via.rps >= 0.8 * own.rps,
      });
      rows.push({
        scenario: `AI SDK generateImage through Pictor c=${concurrency}`,
        metric: 'latency p50 / p99 (ms)',
        pictor: `${fmt(via.p50)} / ${fmt(via.p99)}`,
        baseline: `ai-sdk ${fmt(own.p50)} / ${fmt(own.p99)}`,
        ratio: `${fmt(via.p50 / own.p50)}x p50`,
        target: '(reported)',
        met: undefined,
      });
    }
  } finally {
    await emulator.close();
  }
  return rows;
}
