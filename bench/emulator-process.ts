/**
 * The emulator in its own process, so benchmark figures measure the client and
 * not the server sharing its event loop. Controlled over IPC by lib.ts.
 */
import { startEmulator, type EmulatorFault } from '@pictor/testing';

export interface DurationSpec {
  /** Median task duration in ms. */
  readonly medianMs: number;
  /** Log-normal spread (0 = every task takes medianMs). */
  readonly sigma: number;
  readonly seed: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as { durations?: DurationSpec; faults?: EmulatorFault[]; keepAliveTimeoutMs?: number };

/** Seeded log-normal durations: index i always gets the same duration. */
function durationAt(d: DurationSpec, index: number): number {
  let a = (d.seed + index * 0x9e3779b9) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  const normal = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  return d.medianMs * Math.exp(d.sigma * normal);
}

const durations = spec.durations;
const emulator = await startEmulator({
  imageSize: { width: 4, height: 4 },
  faults: spec.faults ?? [],
  keepAliveTimeoutMs: spec.keepAliveTimeoutMs,
  // Durations follow the prompt's index ("task 17" → index 17) so every client sees the same tasks.
  durations: durations ? (_p, prompt) => durationAt(durations, Number(/(\d+)$/.exec(prompt)?.[1] ?? 0)) : 0,
});

process.send?.({ type: 'ready', url: emulator.url, zaiBaseURL: emulator.zaiBaseURL, novitaBaseURL: emulator.novitaBaseURL });
process.on('message', (message: { type: string; faults?: EmulatorFault[] }) => {
  switch (message.type) {
    case 'counters':
      process.send?.({
        type: 'counters',
        counters: { ...emulator.counters },
        submitsByPrompt: Object.fromEntries(emulator.submitsByPrompt),
        // When each task was done on the server, by prompt (for extra-latency measurements).
        doneAt: Object.fromEntries([...emulator.tasks.values()].map((t) => [t.prompt, t.acceptedAt + t.durationMs])),
        tasks: emulator.tasks.size,
      });
      break;
    case 'setFaults':
      emulator.setFaults(message.faults ?? []);
      process.send?.({ type: 'ok' });
      break;
    case 'reset':
      emulator.reset();
      process.send?.({ type: 'ok' });
      break;
    case 'close':
      void emulator.close().then(() => process.exit(0));
      break;
  }
});
