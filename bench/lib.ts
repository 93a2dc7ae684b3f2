/** Shared benchmark plumbing: the emulator child process, statistics, result rows. */
import { fork, type ChildProcess } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { EmulatorFault } from '@pictor/testing';
import type { DurationSpec } from './emulator-process.ts';

export interface Row {
  readonly scenario: string;
  readonly metric: string;
  readonly pictor: string;
  readonly baseline: string;
  /** Pictor relative to the baseline of the same run. */
  readonly ratio: string;
  readonly target: string;
  readonly met: boolean | undefined;
}

export interface Counters {
  counters: Record<string, number>;
  submitsByPrompt: Record<string, number>;
  doneAt: Record<string, number>;
  seenDoneAt: Record<string, number>;
  tasks: number;
}

export interface EmulatorProcess {
  readonly url: string;
  readonly zaiBaseURL: string;
  readonly novitaBaseURL: string;
  counters(): Promise<Counters>;
  setFaults(faults: EmulatorFault[]): Promise<void>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startEmulatorProcess(spec: { durations?: DurationSpec; faults?: EmulatorFault[]; keepAliveTimeoutMs?: number } = {}): Promise<EmulatorProcess> {
  const child: ChildProcess = fork(new URL('./emulator-process.ts', import.meta.url).pathname, [JSON.stringify(spec)], {
    execArgv: ['--conditions=@pictor/source'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ url: string; zaiBaseURL: string; novitaBaseURL: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as never));
    child.once('exit', (code) => reject(new Error(`emulator process exited with ${code}`)));
  });
  const ask = <T>(message: object, reply: string) =>
    new Promise<T>((resolve) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== reply) return;
        child.off('message', onMessage);
        resolve(m as T);
      };
      child.on('message', onMessage);
      child.send(message);
    });
  return {
    ...ready,
    counters: () => ask<Counters>({ type: 'counters' }, 'counters'),
    setFaults: async (faults) => void (await ask({ type: 'setFaults', faults }, 'ok')),
    reset: async () => void (await ask({ type: 'reset' }, 'ok')),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'close' });
      }),
  };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export const median = (values: readonly number[]) => percentile(values, 50);
export const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

export const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));

/** Runs `count` calls with `concurrency` workers; returns each call's latency (ms) and the wall time. */
export async function load(count: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await call(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - started };
}

/**
 * Heap bytes allocated per call: the heap's growth over `count` calls with no GC in between (run
 * with --expose-gc and a young generation fixed large, e.g. --min-semi-space-size=128
 * --max-semi-space-size=128: a growing one collects early); NaN when a GC ran. Unlike CPU time, this does not move with the machine's load.
 */
export async function bytesPerCall(count: number, call: (i: number) => Promise<unknown>): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return NaN;
  for (let i = 0; i < 200; i++) await call(i);
  let gcs = 0;
  let startedAt = Infinity;
  // Only collections that started inside the measured loop count (the forced one lands late).
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.startTime >= startedAt) gcs++;
  });
  observer.observe({ entryTypes: ['gc'] });
  gc();
  startedAt = performance.now();
  const before = getHeapStatistics().used_heap_size;
  for (let i = 0; i < count; i++) await call(i);
  const grown = getHeapStatistics().used_heap_size - before;
  // Entries reach the observer on a later turn.
  await new Promise((resolve) => setTimeout(resolve, 10));
  observer.disconnect();
  return gcs === 0 ? grown / count : NaN;
}
