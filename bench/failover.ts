/**
 * 4. Failover: with the primary refusing connections, and with the primary
 * answering 503, the latency added to a success through the secondary once the
 * breaker is open (baseline: the secondary called directly, same run), and
 * duplicate submits counted by the emulator.
 */
import { createServer } from 'node:net';
import { createZai, failover, type ImageProvider } from 'pictor';
import { fmt, median, startEmulatorProcess, type Row } from './lib.ts';

const KEY = 'bench-key-000000000000';

async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/zai/api/paas/v4`;
}

export async function runFailover(quick: boolean): Promise<Row[]> {
  const secondaryEmu = await startEmulatorProcess();
  const failingEmu = await startEmulatorProcess({ faults: [{ type: 'http', status: 503, times: 1_000_000 }] });
  const rows: Row[] = [];
  const count = quick ? 150 : 500;
  try {
    const secondary = createZai({ apiKey: KEY, baseURL: secondaryEmu.zaiBaseURL });
    const request = (i: number, tag: string) => ({ prompt: `${tag} ${i}`, model: 'cogview-4-250304' });
    for (const [label, primaryURL] of [
      ['refused', await closedPort()],
      ['503', failingEmu.zaiBaseURL],
    ] as const) {
      const primary: ImageProvider = createZai({ apiKey: KEY, baseURL: primaryURL });
      const router = failover([{ provider: primary, model: 'cogview-4-250304' }, { provider: secondary, model: 'cogview-4-250304' }], { breaker: { failureThreshold: 3, cooldownMs: 600_000 } });
      // Open the breaker, then measure.
      for (let i = 0; i < 3; i++) await router.generate(request(i, `${label}-warm`));
      // Interleaved, one direct call then one routed call, so both see the same warm-up and drift.
      const direct = { latencies: [] as number[] };
      const routed = { latencies: [] as number[] };
      for (let i = 0; i < count; i++) {
        let t = performance.now();
        await secondary.generate(request(i, `${label}-direct`));
        direct.latencies.push(performance.now() - t);
        t = performance.now();
        await router.generate(request(i, `${label}-routed`));
        routed.latencies.push(performance.now() - t);
      }
      const added = median(routed.latencies) - median(direct.latencies);
      const { submitsByPrompt } = await secondaryEmu.counters();
      const duplicates = Object.values(submitsByPrompt).filter((n) => n > 1).length;
      rows.push({
        scenario: `failover, primary ${label}, breaker open`,
        metric: 'added latency p50 (ms) · duplicate submits',
        pictor: `${fmt(added, 3)} · ${duplicates}`,
        baseline: `direct p50 ${fmt(median(direct.latencies), 3)} ms`,
        ratio: `${fmt(median(routed.latencies) / median(direct.latencies))}x direct`,
        target: '< 5 ms · 0',
        met: added < 5 && duplicates === 0,
      });
    }
  } finally {
    await secondaryEmu.close();
    await failingEmu.close();
  }
  return rows;
}
