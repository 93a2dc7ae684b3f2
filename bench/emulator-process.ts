/**
 * The emulator in its own process, so benchmark figures measure the client and
 * not the server sharing its event loop. Controlled over IPC by lib.ts.
 */
import { durationAt, startEmulator, type DurationSpec, type EmulatorFault } from '@pictor/testing';

export type { DurationSpec };

const spec = JSON.parse(process.argv[2] ?? '{}') as { durations?: DurationSpec; faults?: EmulatorFault[]; keepAliveTimeoutMs?: number };

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
        // When the first status read that saw it done arrived, on the server's clock (same clock as doneAt).
        seenDoneAt: Object.fromEntries([...emulator.tasks.values()].flatMap((t) => (t.observedDoneAt === undefined ? [] : [[t.prompt, t.observedDoneAt]]))),
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
