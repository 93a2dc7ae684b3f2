/**
 * In-process limits per provider and per model: how many tasks may be in flight
 * at once (a task counts from its submit until it ends at the provider, because a
 * running task is what a provider's concurrency limit counts — Z.AI answers 1302
 * beyond it) and how many submits may start per second.
 *
 * Waiters are served first come, first served; an aborted waiter leaves the queue
 * at once and rejects with `aborted`. A call that has to wait emits a `limited` event.
 */
import { z } from 'zod';
import { abortedError } from './errors.ts';
import { emit, type PictorEventListener } from './events.ts';
import { zodError } from './request.ts';
import { sleep } from './sleep.ts';

export const LimitSchema = z
  .object({
    /**
     * Tasks in flight at once (from submit until the task ends).
     * @default unlimited
     */
    concurrency: z.number().int().positive().optional(),
    /**
     * Submits started per second (status reads are paced by polling, not by this).
     * @default unlimited
     */
    rps: z.number().positive().optional(),
    /**
     * A task started with `submit()` holds its slot until a `wait` (or a `status` read) in this
     * process sees it end. When nobody starts waiting for it, nor reads its status, for this long
     * after the submit (or after the last status read), its slot is freed: a handle saved for later
     * must not block every later call forever. A later `wait` on it counts it again, without queueing.
     * With a model and a provider key, the shorter of their values applies.
     * @default 600000 (10 minutes, the default poll timeout)
     */
    releaseUnwaitedAfterMs: z.number().int().positive().max(2_147_483_647).optional(),
  })
  .strict();

export const DEFAULT_RELEASE_UNWAITED_AFTER_MS = 10 * 60_000;

/** Keys are a provider id (`zai`) or a model (`zai:glm-image`); both apply when both are set. */
const KEY_RULE = 'keys must be "provider" or "provider:model", e.g. "zai" or "zai:glm-image"';
export const LimitsSchema = z.record(z.string().regex(/^[\w.-]+(:[\w.-]+)?$/, KEY_RULE), LimitSchema, {
  // zod reports a bad record key as "Invalid key in record": say what a valid key looks like.
  error: (issue) => (issue.code === 'invalid_key' ? `invalid key "${String(issue.input)}": ${KEY_RULE}` : undefined),
});

export type Limit = z.infer<typeof LimitSchema>;
export type LimitsConfig = z.input<typeof LimitsSchema>;

export interface LimitSnapshot {
  readonly inFlight: number;
  readonly waiting: number;
}

/** Gives the slot back; calling it more than once is harmless. */
export type ReleaseSlot = () => void;

export interface AcquireOptions {
  readonly signal?: AbortSignal | undefined;
  readonly onEvent?: PictorEventListener | undefined;
}

interface Waiter {
  readonly resolve: () => void;
}

/** One key's counters: a FIFO of waiters for a concurrency slot and the next free rate slot. */
class Gate {
  inFlight = 0;
  readonly waiters: Waiter[] = [];
  /** Time (ms) from which the next submit may start. */
  nextStartAt = 0;

  readonly key: string;
  readonly limit: Limit;

  constructor(key: string, limit: Limit) {
    this.key = key;
    this.limit = limit;
  }

  hasRoom(): boolean {
    return this.limit.concurrency === undefined || this.inFlight < this.limit.concurrency;
  }

  /** Waits (FIFO) until a slot is free and takes it. */
  async take(signal: AbortSignal | undefined, onWait: (position: number) => void): Promise<void> {
    if (signal?.aborted) throw abortedError(signal);
    if (this.waiters.length === 0 && this.hasRoom()) {
      this.inFlight++;
      return;
    }
    onWait(this.waiters.length + 1);
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(abortedError(signal));
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Frees a slot and hands free slots straight to the oldest waiters, so nobody can jump the
   * queue (a task counted by `occupy` may have pushed in-flight above the limit: no hand-over then).
   */
  give(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    while (this.waiters.length > 0 && this.hasRoom()) {
      this.inFlight++;
      (this.waiters.shift() as Waiter).resolve();
    }
  }

  /** Reserves the next rate slot and returns how long to wait for it (0 without an rps limit). */
  reserveStart(now: number): number {
    if (this.limit.rps === undefined) return 0;
    const startAt = Math.max(now, this.nextStartAt);
    this.nextStartAt = startAt + 1000 / this.limit.rps;
    return startAt - now;
  }
}

export class Limiter {
  readonly #gates = new Map<string, Gate>();

  constructor(config: LimitsConfig = {}) {
    const parsed = LimitsSchema.safeParse(config);
    if (!parsed.success) throw zodError('Invalid limits', parsed.error);
    for (const [key, limit] of Object.entries(parsed.data)) this.#gates.set(key, new Gate(key, limit));
  }

  /** Whether any limit names this provider or one of its models (callers skip the wrapper otherwise). */
  applies(provider: string): boolean {
    return [...this.#gates.keys()].some((key) => key === provider || key.startsWith(`${provider}:`));
  }

  /**
   * Waits for a concurrency slot of every matching key, then for the rate limit, and returns the
   * release. Rejects `aborted` (leaving the queue) when the signal fires while waiting.
   */
  async acquire(provider: string, model: string | undefined, options: AcquireOptions = {}): Promise<ReleaseSlot> {
    const gates = this.#gatesFor(provider, model);
    const taken: Gate[] = [];
    const release = releaseOnce(taken);
    const report = (gate: Gate, reason: 'concurrency' | 'rps', extra: { position?: number; delayMs?: number }) =>
      emit(options.onEvent, { type: 'limited', provider, model: model ?? '', key: gate.key, reason, ...extra });
    try {
      for (const gate of gates) {
        await gate.take(options.signal, (position) => report(gate, 'concurrency', { position }));
        taken.push(gate);
      }
      const now = Date.now();
      let delayMs = 0;
      for (const gate of gates) {
        const wait = gate.reserveStart(now);
        if (wait > 0) report(gate, 'rps', { delayMs: wait });
        delayMs = Math.max(delayMs, wait);
      }
      if (delayMs > 0) await sleep(delayMs, options.signal);
      return release;
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * Counts a task that is already running (a handle resumed from another process) without
   * queueing: it occupies the provider whether or not we wait for it.
   */
  occupy(provider: string, model: string | undefined): ReleaseSlot {
    const gates = this.#gatesFor(provider, model);
    for (const gate of gates) gate.inFlight++;
    return releaseOnce(gates);
  }

  /** How long a submitted task nobody waits for keeps its slot (`releaseUnwaitedAfterMs`). */
  releaseUnwaitedAfterMs(provider: string, model: string | undefined): number {
    // Only the keys that set it count: a model key with just `concurrency` must not impose the default
    // over a provider key's longer time. None set (or no key): the default; Math.min() of nothing is
    // Infinity, which setTimeout would turn into 1 ms.
    const times = this.#gatesFor(provider, model).flatMap((gate) => gate.limit.releaseUnwaitedAfterMs ?? []);
    return times.length > 0 ? Math.min(...times) : DEFAULT_RELEASE_UNWAITED_AFTER_MS;
  }

  /** In-flight and waiting counts per configured key. */
  snapshot(): Record<string, LimitSnapshot> {
    return Object.fromEntries([...this.#gates].map(([key, gate]) => [key, { inFlight: gate.inFlight, waiting: gate.waiters.length }]));
  }

  // Model first, then provider: a waiter holding a model slot only blocks that same model.
  #gatesFor(provider: string, model: string | undefined): Gate[] {
    const gates: Gate[] = [];
    const modelGate = model === undefined ? undefined : this.#gates.get(`${provider}:${model}`);
    const providerGate = this.#gates.get(provider);
    if (modelGate) gates.push(modelGate);
    if (providerGate) gates.push(providerGate);
    return gates;
  }
}

function releaseOnce(gates: readonly Gate[]): ReleaseSlot {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const gate of gates) gate.give();
  };
}
