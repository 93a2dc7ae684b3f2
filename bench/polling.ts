/**
 * 2. Polling efficiency: 200 async tasks with seeded log-normal durations around
 * glm-image's real ~20 s, run with time scaled down by SCALE and converted back.
 * Extra latency = when the client had the result minus when the server finished
 * the task. Pictor versus fixed-interval pollers at 500 ms (fal-js, replicate,
 * AI SDK) and 1000 ms (novita-sdk), on Z.AI (no eta) and Novita (eta).
 */
import { DEFAULT_POLL, POLL_PRESETS, createNovita, createZai, type PollOptions } from 'pictor';
import { fmt, median, percentile, startEmulatorProcess, type EmulatorProcess, type Row } from './lib.ts';

const SCALE = 10; // 20 s of real time run in 2 s (a larger factor magnifies client overhead into "real" latency)
const TASKS = 200;
const TYPICAL_MS = 20_000;
const KEY = 'bench-key-000000000000';

interface Measure {
  readonly extraMs: number[]; // real-time ms
  readonly reads: number[];
}

/** Pictor poll options at real scale, scaled down for the run. */
function scaled(options: PollOptions): PollOptions {
  const s = (v: number | undefined) => (v === undefined ? undefined : v / SCALE);
  return {
    ...options,
    firstDelayMs: s(options.firstDelayMs ?? TYPICAL_MS * (options.firstDelayRatio ?? DEFAULT_POLL.firstDelayRatio)),
    intervalMs: s(options.intervalMs ?? TYPICAL_MS * (options.intervalRatio ?? DEFAULT_POLL.intervalRatio)),
    minIntervalMs: s(options.minIntervalMs ?? 200),
    maxIntervalMs: s(options.maxIntervalMs ?? 10_000),
    etaMarginMs: s(options.etaMarginMs ?? 50),
    maxEtaWaitMs: s(options.maxEtaWaitMs ?? 120_000),
    timeoutMs: 120_000,
  };
}

async function runPictor(emulator: EmulatorProcess, provider: 'zai' | 'novita', poll: PollOptions, tag: string): Promise<Measure> {
  const client = provider === 'zai' ? createZai({ apiKey: KEY, baseURL: emulator.zaiBaseURL }) : createNovita({ apiKey: KEY, baseURL: emulator.novitaBaseURL });
  const doneAtClient = new Map<string, number>();
  const reads: number[] = [];
  await Promise.all(
    Array.from({ length: TASKS }, async (_, i) => {
      const prompt = `${tag} task ${i}`;
      const result = await client.generate({ model: 'glm-image', prompt }, { poll: scaled(poll) });
      doneAtClient.set(prompt, Date.now());
      reads.push(result.timings.statusRequests);
    }),
  );
  return { extraMs: await extras(emulator, doneAtClient), reads };
}

async function runFixed(emulator: EmulatorProcess, provider: 'zai' | 'novita', intervalMs: number, tag: string): Promise<Measure> {
  const doneAtClient = new Map<string, number>();
  const reads: number[] = [];
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const interval = intervalMs / SCALE;
  await Promise.all(
    Array.from({ length: TASKS }, async (_, i) => {
      const prompt = `${tag} task ${i}`;
      let id: string;
      if (provider === 'zai') {
        id = ((await (await fetch(`${emulator.zaiBaseURL}/async/images/generations`, { method: 'POST', headers, body: JSON.stringify({ model: 'glm-image', prompt }) })).json()) as { id: string }).id;
      } else {
        id = ((await (await fetch(`${emulator.novitaBaseURL}/v3/async/glm-image`, { method: 'POST', headers, body: JSON.stringify({ prompt }) })).json()) as { task_id: string }).task_id;
      }
      let count = 0;
      for (;;) {
        await new Promise((r) => setTimeout(r, interval));
        count++;
        const url = provider === 'zai' ? `${emulator.zaiBaseURL}/async-result/${id}` : `${emulator.novitaBaseURL}/v3/async/task-result?task_id=${id}`;
        const body = (await (await fetch(url, { headers })).json()) as { task_status?: string; task?: { status: string } };
        if (body.task_status === 'SUCCESS' || body.task?.status === 'TASK_STATUS_SUCCEED') break;
      }
      doneAtClient.set(prompt, Date.now());
      reads.push(count);
    }),
  );
  return { extraMs: await extras(emulator, doneAtClient), reads };
}

async function extras(emulator: EmulatorProcess, doneAtClient: Map<string, number>): Promise<number[]> {
  const { doneAt } = await emulator.counters();
  return [...doneAtClient.entries()].map(([prompt, at]) => Math.max(0, at - (doneAt[prompt] ?? at)) * SCALE);
}

const summary = (m: Measure) => ({ p50: median(m.extraMs), p90: percentile(m.extraMs, 90), reads: m.reads.reduce((a, b) => a + b, 0) / m.reads.length });

/** The settings whose trade-off is printed; 'balanced' is the default. */
export const POLL_SETTINGS: Record<string, PollOptions> = {
  eager: POLL_PRESETS.eager,
  default: POLL_PRESETS.balanced,
  'old default (0.6, 5%, x1.25)': { firstDelayRatio: 0.6, intervalRatio: 0.05, factor: 1.25 },
  frugal: POLL_PRESETS.frugal,
};

export async function runPolling(quick: boolean): Promise<{ rows: Row[]; tradeoff: string[] }> {
  const emulator = await startEmulatorProcess({ durations: { medianMs: TYPICAL_MS / SCALE, sigma: 0.25, seed: 7 } });
  const rows: Row[] = [];
  const tradeoff: string[] = [];
  let tag = 0;
  try {
    for (const provider of ['zai', 'novita'] as const) {
      const fixed500 = summary(await runFixed(emulator, provider, 500, `f500-${provider}-${tag++}`));
      const fixed1000 = summary(await runFixed(emulator, provider, 1000, `f1000-${provider}-${tag++}`));
      tradeoff.push(`${provider} fixed 500 ms: ${fmt(fixed500.reads, 1)} reads/task, extra p50 ${fmt(fixed500.p50, 0)} ms, p90 ${fmt(fixed500.p90, 0)} ms`);
      tradeoff.push(`${provider} fixed 1000 ms: ${fmt(fixed1000.reads, 1)} reads/task, extra p50 ${fmt(fixed1000.p50, 0)} ms, p90 ${fmt(fixed1000.p90, 0)} ms`);
      const results: Record<string, ReturnType<typeof summary>> = {};
      for (const [name, options] of Object.entries(POLL_SETTINGS)) {
        if (quick && (name === 'frugal' || name.startsWith('old'))) continue;
        results[name] = summary(await runPictor(emulator, provider, options, `pictor-${name}-${provider}-${tag++}`));
        const r = results[name];
        tradeoff.push(`${provider} pictor ${name} ${JSON.stringify(options)}: ${fmt(r.reads, 1)} reads/task (${fmt(r.reads / fixed500.reads)}x the 500 ms poller), extra p50 ${fmt(r.p50, 0)} ms, p90 ${fmt(r.p90, 0)} ms`);
      }
      if (provider === 'zai') {
        const eager = results.eager!;
        rows.push({
          scenario: 'polling zai (no eta), eager',
          metric: 'reads/task · extra p50',
          pictor: `${fmt(eager.reads, 1)} · ${fmt(eager.p50, 0)} ms`,
          baseline: `500 ms poller ${fmt(fixed500.reads, 1)} · ${fmt(fixed500.p50, 0)} ms`,
          ratio: `${fmt(eager.reads / fixed500.reads)}x reads`,
          target: '<= 0.6x reads at <= its p50',
          met: eager.reads <= 0.6 * fixed500.reads && eager.p50 <= fixed500.p50,
        });
        const d = results.default!;
        rows.push({
          scenario: 'polling zai (no eta), default',
          metric: 'reads/task · extra p50',
          pictor: `${fmt(d.reads, 1)} · ${fmt(d.p50, 0)} ms`,
          baseline: `500 ms poller ${fmt(fixed500.reads, 1)} · ${fmt(fixed500.p50, 0)} ms`,
          ratio: `${fmt(d.reads / fixed500.reads)}x reads`,
          target: '<= 0.25x reads, p50 < 1000 ms',
          met: d.reads <= 0.25 * fixed500.reads && d.p50 < 1000,
        });
      } else {
        const d = results.default!;
        rows.push({
          scenario: 'polling novita (eta), default',
          metric: 'reads/task · extra p50',
          pictor: `${fmt(d.reads, 1)} · ${fmt(d.p50, 0)} ms`,
          baseline: `500 ms poller ${fmt(fixed500.reads, 1)} · ${fmt(fixed500.p50, 0)} ms`,
          ratio: `${fmt(d.reads / fixed500.reads)}x reads`,
          target: 'p50 < 250 ms, <= 5 reads',
          met: d.p50 < 250 && d.reads <= 5,
        });
      }
    }
  } finally {
    await emulator.close();
  }
  return { rows, tradeoff };
}
