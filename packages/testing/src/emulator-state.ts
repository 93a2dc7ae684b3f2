/**
 * The emulator's mutable state and the operations on it that the routes share: tasks, counters,
 * the fault script, the concurrency gate and the timers that `close()` clears.
 */
import { seededRandom } from '@pictor/mock';
import { createConcurrencyGate } from './emulator-concurrency.ts';
import type { EmulatedEndpoint, EmulatedProvider, EmulatorFault, EmulatorOptions, EmulatorTask } from './emulator.ts';
import { NOVITA_ROUTES } from './emulator-novita-routes.ts';
import type { ProviderRoutes } from './emulator-routes.ts';
import { ZAI_ROUTES } from './emulator-zai-routes.ts';

export const PROVIDER_ROUTES: Readonly<Record<EmulatedProvider, ProviderRoutes>> = { zai: ZAI_ROUTES, novita: NOVITA_ROUTES };

export interface EmulatorState {
  readonly options: EmulatorOptions;
  readonly counters: Record<string, number>;
  readonly submitsByPrompt: Map<string, number>;
  readonly tasks: Map<string, EmulatorTask>;
  readonly gate: ReturnType<typeof createConcurrencyGate>;
  readonly timers: Set<ReturnType<typeof setTimeout>>;
  /** The server's base URL, set once it listens. */
  url: string;
  readonly now: () => number;
  durationFor(provider: EmulatedProvider, prompt: string, index: number): number;
  /** The first armed fault matching the request, consuming one use. */
  pickFault(provider: EmulatedProvider, endpoint: EmulatedEndpoint, prompt: string | undefined): EmulatorFault | undefined;
  /** Waits on a timer that `close()` clears. */
  delay(ms: number): Promise<void>;
  count(name: string): void;
  createTask(provider: EmulatedProvider, body: Record<string, unknown>, fault: EmulatorFault | undefined): EmulatorTask;
  imageUrl(task: EmulatorTask): string;
  setFaults(faults: readonly EmulatorFault[]): void;
  reset(): void;
}

export function createEmulatorState(options: EmulatorOptions): EmulatorState {
  const script = createFaultScript(options);
  let nextId = 1n;
  const state: EmulatorState = {
    options,
    counters: {},
    submitsByPrompt: new Map(),
    tasks: new Map(),
    gate: createConcurrencyGate(options.maxConcurrentTasks),
    timers: new Set(),
    url: '',
    now: options.now ?? Date.now,
    durationFor(provider, prompt, index) {
      const d = options.durations;
      if (typeof d === 'function') return d(provider, prompt, index);
      if (typeof d === 'number') return d;
      return d?.[provider] ?? 200;
    },
    pickFault: script.pick,
    delay: (ms) =>
      new Promise<void>((resolve) => {
        if (ms <= 0) return resolve();
        const timer = setTimeout(() => {
          state.timers.delete(timer);
          resolve();
        }, ms);
        state.timers.add(timer);
      }),
    count(name) {
      state.counters[name] = (state.counters[name] ?? 0) + 1;
    },
    createTask(provider, body, fault) {
      const routes = PROVIDER_ROUTES[provider];
      const prompt = String(body.prompt ?? '');
      const [width, height] = String(body.size ?? routes.defaultSize(body)).split('x').map(Number);
      const task: EmulatorTask = {
        id: routes.newTaskId(nextId++),
        provider,
        prompt,
        width: width || 1280,
        height: height || 1280,
        acceptedAt: state.now(),
        durationMs: fault?.type === 'never_finish' ? Infinity : state.durationFor(provider, prompt, state.tasks.size),
        fate: fault?.type === 'task_failed' ? 'failed' : fault?.type === 'empty' ? 'empty' : 'ok',
        reason: fault?.type === 'task_failed' ? (fault.code ?? 'generation failed') : undefined,
        statusReads: 0,
      };
      state.tasks.set(task.id, task);
      state.gate.started(task.acceptedAt, task.durationMs);
      return task;
    },
    imageUrl: (task) => `${state.url}/images/${task.id}-0.png`,
    setFaults: script.set,
    reset() {
      for (const key of Object.keys(state.counters)) delete state.counters[key];
      state.submitsByPrompt.clear();
      state.tasks.clear();
      state.gate.reset();
      script.rearm();
    },
  };
  return state;
}

/** The fault script: faults in order of declaration, each striking `times` times (or at `rate`). */
function createFaultScript(options: EmulatorOptions) {
  let faults = [...(options.faults ?? [])];
  let used = faults.map(() => 0);
  const random = seededRandom(options.seed ?? 1);
  return {
    pick(provider: EmulatedProvider, endpoint: EmulatedEndpoint, prompt: string | undefined): EmulatorFault | undefined {
      for (const [index, fault] of faults.entries()) {
        if (fault.provider && fault.provider !== provider) continue;
        if (fault.endpoint && fault.endpoint !== endpoint) continue;
        if (fault.prompt !== undefined && !(prompt ?? '').includes(fault.prompt)) continue;
        const limit = fault.times ?? (fault.rate !== undefined ? Infinity : 1);
        if ((used[index] as number) >= limit) continue;
        if (fault.rate !== undefined && random() >= fault.rate) continue;
        used[index] = (used[index] as number) + 1;
        return fault;
      }
      return undefined;
    },
    set(next: readonly EmulatorFault[]): void {
      faults = [...next];
      used = faults.map(() => 0);
    },
    rearm(): void {
      used = faults.map(() => 0);
    },
  };
}
