/**
 * The one polling engine for every async provider.
 *
 * Peers poll at a fixed interval (500 ms or 1 s), which for a 20-second job is
 * 20-40 status reads. Here: the first read waits for a share of the model's
 * typical duration (nothing is ready earlier), then the interval grows with
 * jitter; when the provider gives an eta, the next read is timed to it. A total
 * deadline is separate from the cadence, and an abort interrupts the sleep.
 */
import { PictorError, abortedError } from './errors.ts';
import { sleep } from './sleep.ts';
import type { TaskStatus } from './types.ts';

export interface PollOptions {
  /**
   * The typical duration the ratios below are shares of. Default: the model's `typicalDurationMs`.
   * Set it when the server runs at another pace than the real provider (an emulator, a staging proxy).
   */
  readonly typicalDurationMs?: number | undefined;
  /** Delay before the first read, in ms. Default: `firstDelayRatio` x the model's typical duration. */
  readonly firstDelayMs?: number | undefined;
  /** Share of the typical duration to wait before the first read (default 0.75). */
  readonly firstDelayRatio?: number | undefined;
  /** Interval after the first read, in ms. Default: `intervalRatio` x the typical duration, within the bounds. */
  readonly intervalMs?: number | undefined;
  /** Interval after the first read as a share of the typical duration (default 0.05: 1 s for a 20-s model). */
  readonly intervalRatio?: number | undefined;
  readonly minIntervalMs?: number | undefined;
  readonly maxIntervalMs?: number | undefined;
  /** Growth of the interval per read (default 1.05), so a task far slower than usual is read less and less often. */
  readonly factor?: number | undefined;
  /** Random spread of each delay, 0..1 (default 0.1), so many waiters don't read in lockstep. */
  readonly jitter?: number | undefined;
  /** Total time a wait may take, measured from the call (default 10 minutes). */
  readonly timeoutMs?: number | undefined;
  /** Added to a provider eta so the read lands just after the task is done (default 50 ms). */
  readonly etaMarginMs?: number | undefined;
  /** Longest wait a provider eta may cause (default 2 minutes), in case an eta is wild. */
  readonly maxEtaWaitMs?: number | undefined;
}

export const DEFAULT_POLL = {
  firstDelayRatio: 0.75,
  intervalRatio: 0.05,
  minIntervalMs: 200,
  maxIntervalMs: 10_000,
  factor: 1.05,
  jitter: 0.1,
  timeoutMs: 10 * 60_000,
  etaMarginMs: 50,
  maxEtaWaitMs: 120_000,
} as const;

/**
 * Measured settings (bench/RESULTS.md, glm-image-like durations, no provider eta):
 * - balanced (the default): about a quarter of a 500-ms poller's status reads, median extra
 *   latency under 1 s;
 * - eager: about 0.6x a 500-ms poller's reads at an equal or lower median extra latency.
 * With a provider eta (Novita) both read about twice per task.
 */
export const POLL_PRESETS = {
  balanced: {},
  eager: { firstDelayRatio: 0.7, intervalRatio: 0.0175, factor: 1 },
  /**
   * Fewest reads, for batch jobs where a second or two of latency doesn't matter: bench/RESULTS.md
   * (zai, no eta) 0.09x a 500-ms poller's reads at a median extra latency of about 1.4 s.
   */
  frugal: { firstDelayRatio: 0.8, intervalRatio: 0.1, factor: 1.3 },
} as const satisfies Record<string, PollOptions>;

export interface PollContext {
  readonly read: () => Promise<TaskStatus>;
  readonly typicalDurationMs: number;
  /** Time already spent since submission (a resumed handle waits less). */
  readonly elapsedMs?: number | undefined;
  readonly options?: PollOptions | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onStatus?: ((status: TaskStatus, reads: number) => void) | undefined;
  /** Builds the deadline error (the caller attaches the handle). */
  readonly onDeadline: (reads: number, timeoutMs: number) => PictorError;
  readonly random?: (() => number) | undefined;
}

export interface PollOutcome {
  readonly status: TaskStatus;
  readonly reads: number;
}

/**
 * The delays between reads, as numbers on one object with methods on its prototype: with
 * thousands of tasks in flight, per-task closures showed up in bench/scale's heap profile.
 */
export class DelayPlan {
  readonly first: number;
  readonly interval: number;
  readonly factor: number;
  readonly min: number;
  readonly max: number;
  readonly etaMargin: number;
  readonly maxEtaWait: number;

  constructor(modelDurationMs: number, options: PollOptions = {}) {
    const typicalDurationMs = options.typicalDurationMs ?? modelDurationMs;
    this.min = options.minIntervalMs ?? DEFAULT_POLL.minIntervalMs;
    this.max = Math.max(this.min, options.maxIntervalMs ?? DEFAULT_POLL.maxIntervalMs);
    this.first = Math.max(0, options.firstDelayMs ?? typicalDurationMs * (options.firstDelayRatio ?? DEFAULT_POLL.firstDelayRatio));
    this.interval = this.clamp(options.intervalMs ?? typicalDurationMs * (options.intervalRatio ?? DEFAULT_POLL.intervalRatio));
    this.factor = Math.max(1, options.factor ?? DEFAULT_POLL.factor);
    this.etaMargin = options.etaMarginMs ?? DEFAULT_POLL.etaMarginMs;
    this.maxEtaWait = options.maxEtaWaitMs ?? DEFAULT_POLL.maxEtaWaitMs;
  }

  clamp(ms: number): number {
    return Math.min(this.max, Math.max(this.min, ms));
  }

  /** Delay after the `k`-th read (k >= 1) with no eta. */
  next(k: number): number {
    return this.clamp(this.interval * this.factor ** (k - 1));
  }

  /**
   * Delay when the provider says the task ends in `etaMs`. Not capped by maxIntervalMs: reading
   * before the provider's own eta only costs requests. Capped by maxEtaWaitMs in case the eta is wild.
   */
  fromEta(etaMs: number): number {
    return Math.max(this.min, Math.min(this.maxEtaWait, etaMs + this.etaMargin));
  }
}

/** The delay plan for a model's typical duration (exposed for tests and benchmarks). */
export function planDelays(typicalDurationMs: number, options: PollOptions = {}): DelayPlan {
  return new DelayPlan(typicalDurationMs, options);
}

export async function pollUntilDone(context: PollContext): Promise<PollOutcome> {
  const options = context.options ?? {};
  const timeoutMs = options.timeoutMs ?? DEFAULT_POLL.timeoutMs;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? DEFAULT_POLL.jitter));
  const random = context.random ?? Math.random;
  const plan = new DelayPlan(context.typicalDurationMs, options);
  const deadline = Date.now() + timeoutMs;

  let reads = 0;
  let delay = Math.max(0, plan.first - (context.elapsedMs ?? 0));
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw context.onDeadline(reads, timeoutMs);
    // Jitter spreads many waiters apart; never sleep past the deadline: wake for one last read there.
    const spread = delay * (1 + jitter * (random() * 2 - 1));
    await sleep(Math.min(Math.round(spread), remaining), context.signal);
    if (context.signal?.aborted) throw abortedError(context.signal);
    const status = await context.read();
    reads++;
    context.onStatus?.(status, reads);
    if (status.state === 'succeeded' || status.state === 'failed') return { status, reads };
    delay = status.etaMs !== undefined && status.etaMs > 0 ? plan.fromEta(status.etaMs) : plan.next(reads);
  }
}
