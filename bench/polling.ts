/**
 * 2. Polling efficiency: seeded log-normal task durations around glm-image's real
 * ~20 s (sigma 0.25, 0.5, 0.75, and a median that doubles mid-run), run with time
 * scaled down by SCALE and converted back. Extra latency = when the first status read that
 * saw the task done arrived at the emulator minus when the emulator finished it, both on the
 * emulator's clock: the client's time to parse the answer and resolve its promise is left out (at
 * a SCALE x time scale 1 ms of it would count as SCALE ms), the lateness of its timers is not. Tasks arrive as a steady stream
 * (CONCURRENCY at a time, as in production) rather than one burst: a burst would
 * teach the learned plan only its short tasks first. Pictor's presets learn from
 * WARMUP tasks first; a fixed 500 ms poller (fal-js, replicate, AI SDK) reads the
 * same tasks in the same run. Novita (eta) is measured on sigma 0.5.
 */
import { DEFAULT_POLL, DurationRegistry, POLL_PRESETS, createNovita, createZai, type PollOptions } from 'pictor';
import type { DurationSpec } from '@pictor/testing';
import { fmt, median, percentile, startEmulatorProcess, type EmulatorProcess, type Row } from './lib.ts';

// 20 s of real time run in 4 s. A larger factor magnifies the client's timer lateness into "real"
// latency (at 10x, a loaded machine's 10-15 ms turned into 100-150 ms against a 250 ms target).
const SCALE = 5;
const TYPICAL_MS = 20_000;
const WARMUP = 50;
const CONCURRENCY = 20;
const KEY = 'bench-key-000000000000';

type Provider = 'zai' | 'novita';

interface Measure {
  readonly extraMs: number[]; // real-time ms
  readonly reads: number[];
}

interface Scenario {
  readonly name: string;
  readonly spec: DurationSpec;
  /** Task indexes measured (every poller reads the same tasks). */
  readonly measured: readonly [from: number, to: number];
}

/** Pictor poll options at real scale, scaled down for the run (the spec's typical duration is not scaled). */
function scaled(options: PollOptions): PollOptions {
  return {
    ...options,
    targetP50Ms: (options.targetP50Ms ?? TYPICAL_MS * (options.targetP50Ratio ?? DEFAULT_POLL.targetP50Ratio)) / SCALE,
    targetP90Ms: (options.targetP90Ms ?? TYPICAL_MS * (options.targetP90Ratio ?? DEFAULT_POLL.targetP90Ratio)) / SCALE,
    minIntervalMs: (options.minIntervalMs ?? DEFAULT_POLL.minIntervalMs) / SCALE,
    maxIntervalMs: (options.maxIntervalMs ?? DEFAULT_POLL.maxIntervalMs) / SCALE,
    etaMarginMs: (options.etaMarginMs ?? DEFAULT_POLL.etaMarginMs) / SCALE,
    maxEtaWaitMs: (options.maxEtaWaitMs ?? DEFAULT_POLL.maxEtaWaitMs) / SCALE,
    timeoutMs: 120_000,
  };
}

/** Runs task indexes [from, to) CONCURRENCY at a time; records those in `measured`. */
async function stream(from: number, to: number, measured: readonly [number, number], call: (i: number) => Promise<number>, done: Map<string, number>, reads: number[], tag: string) {
  let next = from;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < to) {
        const i = next++;
        const count = await call(i);
        if (i >= measured[0] && i < measured[1]) {
          done.set(`${tag} task ${i}`, Date.now());
          reads.push(count);
        }
      }
    }),
  );
}

async function runPictor(emulator: EmulatorProcess, provider: Provider, poll: PollOptions, tag: string, scenario: Scenario): Promise<Measure> {
  // The spec's typical duration, at the run's scale: the prior the learned plan starts from.
  const durations = new DurationRegistry();
  durations.sketch(provider, 'glm-image', TYPICAL_MS / SCALE);
  const options = { apiKey: KEY, poll: scaled(poll), durations };
  const client = provider === 'zai' ? createZai({ ...options, baseURL: emulator.zaiBaseURL }) : createNovita({ ...options, baseURL: emulator.novitaBaseURL });
  const done = new Map<string, number>();
  const reads: number[] = [];
  const call = async (i: number) => (await client.generate({ model: 'glm-image', prompt: `${tag} task ${i}` })).timings.statusRequests;
  await stream(0, scenario.measured[1], scenario.measured, call, done, reads, tag);
  return { extraMs: await extras(emulator, done), reads };
}

async function runFixed(emulator: EmulatorProcess, provider: Provider, intervalMs: number, tag: string, scenario: Scenario): Promise<Measure> {
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const call = async (i: number) => {
    const prompt = `${tag} task ${i}`;
    const id =
      provider === 'zai'
        ? ((await (await fetch(`${emulator.zaiBaseURL}/async/images/generations`, { method: 'POST', headers, body: JSON.stringify({ model: 'glm-image', prompt }) })).json()) as { id: string }).id
        : ((await (await fetch(`${emulator.novitaBaseURL}/v3/async/glm-image`, { method: 'POST', headers, body: JSON.stringify({ prompt }) })).json()) as { task_id: string }).task_id;
    const url = provider === 'zai' ? `${emulator.zaiBaseURL}/async-result/${id}` : `${emulator.novitaBaseURL}/v3/async/task-result?task_id=${id}`;
    for (let count = 1; ; count++) {
      await new Promise((r) => setTimeout(r, intervalMs / SCALE));
      const body = (await (await fetch(url, { headers })).json()) as { task_status?: string; task?: { status: string } };
      if (body.task_status === 'SUCCESS' || body.task?.status === 'TASK_STATUS_SUCCEED') return count;
    }
  };
  const done = new Map<string, number>();
  const reads: number[] = [];
  await stream(scenario.measured[0], scenario.measured[1], scenario.measured, call, done, reads, tag);
  return { extraMs: await extras(emulator, done), reads };
}

/** Extra latency of each measured task: the emulator saw the read that found it done, minus its end. */
async function extras(emulator: EmulatorProcess, measured: Map<string, number>): Promise<number[]> {
  const { doneAt, seenDoneAt } = await emulator.counters();
  return [...measured.keys()].map((prompt) => Math.max(0, (seenDoneAt[prompt] ?? Number.NaN) - (doneAt[prompt] ?? 0)) * SCALE);
}

interface Summary {
  readonly p50: number;
  readonly p90: number;
  readonly reads: number;
}
const summary = (m: Measure): Summary => ({ p50: median(m.extraMs), p90: percentile(m.extraMs, 90), reads: m.reads.reduce((a, b) => a + b, 0) / m.reads.length });
const line = (s: Summary) => `${fmt(s.reads, 1)} reads/task, extra p50 ${fmt(s.p50, 0)} ms, p90 ${fmt(s.p90, 0)} ms`;

/** Acceptance bounds (issue 19), real-time ms, relative to the 500 ms poller's reads. */
const TARGETS: Record<string, { reads: number; p50: number; p90: number }> = {
  balanced: { reads: 0.3, p50: 600, p90: 1200 },
  eager: { reads: 0.6, p50: 250, p90: 600 },
};

function row(scenario: string, name: string, r: Summary, base: Summary): Row {
  const target = TARGETS[name];
  return {
    scenario: `polling ${scenario}, ${name}`,
    metric: `reads/task · extra p50 · p90 (read arrival at the server − task end, run at 1/${SCALE} time, real-equivalent)`,
    pictor: `${fmt(r.reads, 1)} · ${fmt(r.p50, 0)} ms · ${fmt(r.p90, 0)} ms`,
    baseline: `500 ms poller ${fmt(base.reads, 1)} · ${fmt(base.p50, 0)} ms · ${fmt(base.p90, 0)} ms`,
    ratio: `${fmt(r.reads / base.reads)}x reads`,
    target: target ? `<= ${target.reads}x reads, p50 <= ${target.p50} ms, p90 <= ${target.p90} ms` : '',
    met: target ? r.reads <= target.reads * base.reads && r.p50 <= target.p50 && r.p90 <= target.p90 : undefined,
  };
}

export async function runPolling(quick: boolean): Promise<{ rows: Row[]; tradeoff: string[] }> {
  const medianMs = TYPICAL_MS / SCALE;
  const steady = (sigma: number): Scenario => ({ name: `zai sigma ${sigma}`, spec: { medianMs, sigma, seed: 7 }, measured: [WARMUP, WARMUP + 200] });
  // The median doubles at task WARMUP; measured from 50 tasks after the drift.
  const drift: Scenario = { name: 'zai sigma 0.5, median 2x after warm-up', spec: { medianMs, sigma: 0.5, seed: 7, drift: { factor: 2, from: WARMUP, to: WARMUP } }, measured: [WARMUP + 50, WARMUP + 250] };
  // --quick runs the acceptance scenarios only: sigma 0.5 and the drift.
  const scenarios = quick ? [steady(0.5), drift] : [steady(0.25), steady(0.5), steady(0.75), drift];
  const rows: Row[] = [];
  const tradeoff: string[] = [];
  let tag = 0;
  const run = async (provider: Provider, scenario: Scenario, presets: readonly (keyof typeof POLL_PRESETS)[]) => {
    const emulator = await startEmulatorProcess({ durations: scenario.spec });
    try {
      const base = summary(await runFixed(emulator, provider, 500, `f500-${tag++}`, scenario));
      tradeoff.push(`${scenario.name}: fixed 500 ms: ${line(base)}`);
      for (const name of presets) {
        const r = summary(await runPictor(emulator, provider, POLL_PRESETS[name], `pictor-${name}-${tag++}`, scenario));
        tradeoff.push(`${scenario.name}: pictor ${name}: ${line(r)} (${fmt(r.reads / base.reads)}x the poller's reads)`);
        if (name !== 'frugal') rows.push(row(scenario.name, name, r, base));
      }
    } finally {
      await emulator.close();
    }
  };
  for (const scenario of scenarios) await run('zai', scenario, quick ? ['balanced', 'eager'] : ['balanced', 'eager', 'frugal']);
  const novita: Scenario = { ...steady(0.5), name: 'novita (eta) sigma 0.5' };
  const before = rows.length;
  await run('novita', novita, ['balanced', 'eager']);
  // With an eta the bar is the eta-following one: p50 < 250 ms at <= 5 reads.
  for (const r of rows.splice(before)) {
    const [reads, p50] = r.pictor.split(' · ').map((v) => Number.parseFloat(v)) as [number, number];
    rows.push({ ...r, target: 'p50 < 250 ms, <= 5 reads', met: p50 < 250 && reads <= 5 });
  }
  return { rows, tradeoff };
}
