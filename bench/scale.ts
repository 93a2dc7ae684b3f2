/**
 * 3. Scale: 10,000 concurrent async tasks in one process, through the real core
 * (createProvider: validation, retry wrapper, polling engine, events) on an
 * in-process adapter, so the figures are Pictor's own cost per in-flight task.
 * Baseline, same run: 10,000 bare polling loops (a setTimeout and a status object each).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { GLM_IMAGE_SIZES, createProvider, type ModelSpec } from '@pictor/core';
import { fmt, type Row } from './lib.ts';

const TASKS = 10_000;
const DURATION_MS = 3000;

const spec: ModelSpec = {
  id: 'scale-model',
  sizes: GLM_IMAGE_SIZES,
  qualities: ['hd'],
  defaultQuality: 'hd',
  modes: ['async'],
  defaultMode: 'async',
  maxImagesPerCall: 1,
  maxPromptLength: 1000,
  typicalDurationMs: DURATION_MS,
  supports: { seed: false, watermark: false, userId: false },
};

interface Sample {
  peakRssGrowth: number;
  loopP99Ms: number;
  completed: number;
}

async function measure(run: () => Promise<number>): Promise<Sample> {
  (globalThis as { gc?: () => void }).gc?.();
  await delay(100);
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const completed = await run();
  histogram.disable();
  clearInterval(sampler);
  return { peakRssGrowth: peak - before, loopP99Ms: histogram.percentile(99) / 1e6, completed };
}

async function pictorRun(): Promise<number> {
  const provider = createProvider({
    id: 'scale',
    models: { 'scale-model': spec },
    submitAsync: async (request) => ({ taskId: `${Date.now()}:${request.prompt}`, raw: undefined }),
    readStatus: async (handle) => {
      const started = Number(handle.taskId.split(':')[0]);
      return Date.now() - started >= DURATION_MS
        ? { state: 'succeeded', output: { images: [{ url: `https://img.test/${handle.taskId}.png` }], raw: undefined }, raw: undefined }
        : { state: 'running', raw: undefined };
    },
  });
  const results = await Promise.all(
    Array.from({ length: TASKS }, (_, i) => provider.generate({ model: 'scale-model', prompt: `task ${i}` }, { poll: { intervalMs: 200, factor: 1.2 } })),
  );
  return results.filter((r) => r.images.length === 1).length;
}

async function bareRun(): Promise<number> {
  const results = await Promise.all(
    Array.from({ length: TASKS }, async (_, i) => {
      const started = Date.now();
      const state = { id: `task ${i}`, done: false };
      await delay(DURATION_MS * 0.6);
      while (Date.now() - started < DURATION_MS) await delay(200);
      state.done = true;
      return state;
    }),
  );
  return results.filter((r) => r.done).length;
}

export async function runScale(): Promise<Row[]> {
  const bare = await measure(bareRun);
  const pictor = await measure(pictorRun);
  const perTask = (s: Sample) => s.peakRssGrowth / TASKS / 1024;
  return [
    {
      scenario: `scale ${TASKS} in-flight tasks`,
      metric: 'peak RSS growth per task (KB)',
      pictor: `${fmt(perTask(pictor))} (${pictor.completed} completed)`,
      baseline: `bare loop ${fmt(perTask(bare))}`,
      ratio: `${fmt(perTask(pictor) / Math.max(0.01, perTask(bare)))}x bare`,
      target: '< 10 KB, all complete',
      met: perTask(pictor) < 10 && pictor.completed === TASKS,
    },
    {
      scenario: `scale ${TASKS} in-flight tasks`,
      metric: 'event-loop delay p99 (ms)',
      pictor: fmt(pictor.loopP99Ms),
      baseline: `bare loop ${fmt(bare.loopP99Ms)}`,
      ratio: `${fmt(pictor.loopP99Ms / Math.max(0.01, bare.loopP99Ms))}x bare`,
      target: '< 50 ms',
      met: pictor.loopP99Ms < 50,
    },
  ];
}
