/**
 * Fault soak over real HTTP: 2,000 async tasks through a failover client (Z.AI
 * primary, Novita fallback) on the emulator, with about 20% of requests hit by a
 * fault of every kind the emulator knows. Bounded: a pool of workers, short task
 * durations, a poll deadline. Every call must end in a result or a typed error,
 * no prompt may become two tasks, every accepted task must be accounted for,
 * and nothing may be left open.
 * Outcomes are decided by the injected faults, not by the machine's speed: the request timeout and
 * the poll deadline are far above what a loaded 2-core machine needs (a tight deadline turned load
 * into timeouts, timeouts into open breakers, and open breakers into a failed run); only a
 * never_finish task reaches the deadline.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type Emulator, type EmulatorFault } from '@pictor/testing';
import { PictorError, createNovita, createZai, failover, type ImageResult } from '../../src/index.ts';

const TASKS = 2000;
const WORKERS = 200;
const RATE = 0.0225; // ten fault types: 1 - (1 - 0.0225)^10 ≈ 20% of requests

const faults: EmulatorFault[] = [
  { provider: 'zai', type: 'http', status: 503, code: '1234', rate: RATE },
  { provider: 'zai', endpoint: 'submit', type: 'http', status: 429, code: '1302', retryAfterSeconds: 1, rate: RATE },
  { provider: 'zai', endpoint: 'submit', type: 'http', status: 429, code: '1113', rate: RATE },
  { provider: 'novita', type: 'http', status: 503, rate: RATE },
  { provider: 'novita', endpoint: 'submit', type: 'http', status: 429, code: 'RATE_LIMIT_EXCEEDED', rate: RATE },
  { type: 'http', status: 500, rate: RATE },
  { type: 'reset', rate: RATE },
  { type: 'slow', delayMs: 300, rate: RATE },
  { type: 'malformed', rate: RATE },
  { endpoint: 'submit', type: 'task_failed', code: 'emulated failure', rate: RATE },
  { endpoint: 'submit', type: 'never_finish', rate: RATE / 2 },
];

let emulator: Emulator;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  emulator = await startEmulator({
    seed: 2026,
    faults,
    imageSize: { width: 4, height: 4 },
    durations: (_provider, _prompt, index) => 20 + ((index * 37) % 80),
  });
});

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

it('2,000 async tasks with 20% injected faults: every call accounted for, nothing paid twice, nothing left open', { timeout: 240_000 }, async () => {
  const baseline = activeResources();
  const client = failover(
    [
      { provider: createZai({ apiKey: 'soak-zai-key-0000000000', baseURL: emulator.zaiBaseURL, timeoutMs: 60_000 }), model: 'glm-image' },
      { provider: createNovita({ apiKey: 'soak-novita-key-000000000', baseURL: emulator.novitaBaseURL, timeoutMs: 60_000 }), model: 'glm-image' },
    ],
    { breaker: { failureThreshold: 5, cooldownMs: 200 } },
  );
  const options = {
    poll: { firstDelayMs: 20, intervalMs: 20, minIntervalMs: 10, maxIntervalMs: 100, maxEtaWaitMs: 150, timeoutMs: 10_000 },
    retry: { submit: { minDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2000 }, status: { minDelayMs: 5, maxDelayMs: 20 } },
  };

  const outcomes = new Map<string, ImageResult | PictorError>();
  let next = 0;
  const worker = async () => {
    while (next < TASKS) {
      const prompt = `soak task ${next++}`;
      try {
        outcomes.set(prompt, await client.generate({ prompt }, options));
      } catch (error) {
        expect(error, prompt).toBeInstanceOf(PictorError);
        outcomes.set(prompt, error as PictorError);
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));

  // Every call ended with a result or a typed error.
  expect(outcomes.size).toBe(TASKS);
  expect(unhandled).toEqual([]);

  // No prompt became two tasks: nothing was paid twice.
  const tasksByPrompt = new Map<string, string[]>();
  for (const task of emulator.tasks.values()) tasksByPrompt.set(task.prompt, [...(tasksByPrompt.get(task.prompt) ?? []), task.id]);
  const duplicates = [...tasksByPrompt.entries()].filter(([, ids]) => ids.length > 1);
  expect(duplicates).toEqual([]);

  // Every accepted task is completed, or reported in the call's error: by its handle, or by an
  // unknown-outcome submit error from that same provider. An unknown outcome accounts for the one
  // task its ambiguous submit may have created, on its provider, and for nothing else.
  const unaccounted: string[] = [];
  const claimed = new Set<string>();
  for (const task of emulator.tasks.values()) {
    const outcome = outcomes.get(task.prompt);
    let accounted = false;
    if (outcome instanceof PictorError) {
      const errors = [outcome, ...outcome.attempts];
      const byHandle = errors.some((e) => e.handle?.taskId === task.id);
      const key = `${task.prompt}\u0000${task.provider}`;
      const byUnknown = !claimed.has(key) && errors.some((e) => e.submitOutcome === 'unknown' && e.provider === task.provider && !e.handle);
      if (byUnknown && !byHandle) claimed.add(key);
      accounted = byHandle || byUnknown;
    } else {
      accounted = outcome?.taskId === task.id && outcome.provider === task.provider;
    }
    if (!accounted) unaccounted.push(`${task.prompt} (${task.provider} ${task.id})`);
  }
  expect(unaccounted).toEqual([]);

  const kinds: Record<string, number> = {};
  let served = 0;
  for (const outcome of outcomes.values()) {
    if (outcome instanceof PictorError) kinds[outcome.kind] = (kinds[outcome.kind] ?? 0) + 1;
    else served++;
  }
  const submits = (emulator.counters['zai.submit'] ?? 0) + (emulator.counters['novita.submit'] ?? 0);
  const faultedShare = served / TASKS;
  console.log(
    `soak: ${TASKS} calls → ${served} results, errors ${JSON.stringify(kinds)}; ` +
      `${submits} submit requests, ${emulator.tasks.size} tasks accepted, 0 duplicates; requests ${JSON.stringify(emulator.counters)}`,
  );
  // Most calls succeed despite the faults (failover and retries absorb them).
  expect(faultedShare).toBeGreaterThan(0.7);
  expect(Object.keys(kinds).length).toBeGreaterThan(2);

  // No timer or socket left open.
  await emulator.close();
  // Client sockets see the close asynchronously: wait for the condition itself, not a guessed delay.
  // (Yielding with setImmediate: a timer-based wait such as vi.waitFor would count as an open Timeout.)
  const leaks = () => ['Timeout', 'TCPSocketWrap', 'TCPServerWrap'].filter((r) => (activeResources()[r] ?? 0) > (baseline[r] ?? 0));
  const closing = Date.now();
  while (leaks().length > 0 && Date.now() - closing < 10_000) await new Promise((resolve) => setImmediate(resolve));
  expect(leaks(), JSON.stringify(activeResources())).toEqual([]);
});
