/**
 * The one polling engine for every async provider.
 *
 * Peers poll at a fixed interval (500 ms or 1 s), which for a 20-second job is
 * 20-40 status reads. Here reads are planned on the durations learned for the
 * model (durations.ts, read-plan.ts): none while few tasks are done, dense where
 * completions are likely, sparse in the tail; when the provider gives an eta, the
 * next read is timed to it. A total deadline is separate from the cadence, and an
 * abort interrupts the sleep. Setting any of the fixed-cadence options (firstDelay*,
 * interval*, factor) switches to the older fixed plan (DelayPlan) instead.
 */
import { DurationSketch } from './durations.ts';
import { PictorError, abortedError } from './errors.ts';
import { firstReadAt, nextReadAt, type ReadPlanSettings } from './read-plan.ts';
import { sleep } from './sleep.ts';
import type { TaskStatus } from './types.ts';

export interface PollOptions {
  /**
   * The typical duration the ratios below are shares of. Default: the model's `typicalDurationMs`.
   * Set it when the server runs at another pace than the real provider (an emulator, a staging proxy).
   */
  readonly typicalDurationMs?: number | undefined;
  /**
   * Learned plan: the extra latency (result ready to result seen) that half the tasks should stay
   * within, as a share of the model's typical duration (0.03: 600 ms for a 20-s model). The plan
   * spends its reads to meet this and `targetP90Ratio` with few reads (read-plan.ts).
   * @default 0.03
   */
  readonly targetP50Ratio?: number | undefined;
  /** Learned plan: the same p50 target in ms, overriding `targetP50Ratio`. */
  readonly targetP50Ms?: number | undefined;
  /**
   * Learned plan: the extra latency 90% of tasks should stay within, as a share of the model's
   * typical duration (0.06: 1.2 s for a 20-s model). The fastest tasks (under 10%) wait for the
   * first read, which is what makes reading early unnecessary.
   * @default 0.06
   */
  readonly targetP90Ratio?: number | undefined;
  /** Learned plan: the same p90 target in ms, overriding `targetP90Ratio`. */
  readonly targetP90Ms?: number | undefined;
  /** Learned plan: past this learned quantile a task is "slow" and its reads thin out. @default 0.98 */
  readonly tailQuantile?: number | undefined;
  /** Learned plan: gap in the tail as a share of the time spent past `tailQuantile`. @default 0.25 */
  readonly tailRatio?: number | undefined;
  /** Fixed plan: delay before the first read, in ms. Default: `firstDelayRatio` x the model's typical duration. */
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
  /**
   * Random spread of each delay, 0..1, so many waiters don't read in lockstep. The fixed plan
   * spreads every delay both ways; the learned plan only brings its first read earlier (its later
   * gaps count from each read, so the offset lasts, and a longer gap would miss its target).
   * @default 0.1
   */
  readonly jitter?: number | undefined;
  /** Total time a wait may take, measured from the call (default 10 minutes). */
  readonly timeoutMs?: number | undefined;
  /** Added to a provider eta so the read lands just after the task is done (default 50 ms). */
  readonly etaMarginMs?: number | undefined;
  /** Longest wait a provider eta may cause (default 2 minutes), in case an eta is wild. */
  readonly maxEtaWaitMs?: number | undefined;
}

export const DEFAULT_POLL = {
  targetP50Ratio: 0.03,
  targetP90Ratio: 0.06,
  tailQuantile: 0.98,
  tailRatio: 0.25,
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
 * Points on the latency/reads trade-off of the learned plan, as extra-latency targets (shares of
 * the model's typical duration; for a 20-s model):
 * - balanced (the default): p50 <= 600 ms, p90 <= 1.2 s;
 * - eager: p50 <= 250 ms (a quarter of a 1-s poll), p90 <= 600 ms;
 * - frugal: p50 <= 1.2 s, p90 <= 2.4 s.
 * For glm-image-like durations (log-normal, sigma 0.5) the fewest reads that can meet these, knowing
 * the distribution exactly, are about 0.27x, 0.59x and 0.15x a fixed 500 ms poller's
 * (bench/poll-frontier.ts); the plan lands within a few percent of that once it has learned.
 * With a provider eta (Novita) every preset follows the eta: about two reads per task.
 */
export const POLL_PRESETS = {
  balanced: {},
  eager: { targetP50Ratio: 0.0125, targetP90Ratio: 0.03 },
  frugal: { targetP50Ratio: 0.06, targetP90Ratio: 0.12 },
} as const satisfies Record<string, PollOptions>;

/** True when the caller set a fixed-cadence option: the fixed DelayPlan then replaces the learned plan. */
export function usesFixedPlan(options: PollOptions): boolean {
  return (
    options.firstDelayMs !== undefined ||
    options.firstDelayRatio !== undefined ||
    options.intervalMs !== undefined ||
    options.intervalRatio !== undefined ||
    options.factor !== undefined
  );
}

/** The learned plan's settings from poll options and the model's typical duration (defaults filled in). */
export function readPlanSettings(options: PollOptions, typicalDurationMs: number): ReadPlanSettings {
  const minIntervalMs = options.minIntervalMs ?? DEFAULT_POLL.minIntervalMs;
  const p50Ms = Math.max(0, options.targetP50Ms ?? typicalDurationMs * (options.targetP50Ratio ?? DEFAULT_POLL.targetP50Ratio));
  const p90Ms = Math.max(p50Ms, options.targetP90Ms ?? typicalDurationMs * (options.targetP90Ratio ?? DEFAULT_POLL.targetP90Ratio));
  return {
    p50Ms,
    p90Ms,
    tailQuantile: Math.min(0.9999, Math.max(0.5, options.tailQuantile ?? DEFAULT_POLL.tailQuantile)),
    tailRatio: Math.max(0, options.tailRatio ?? DEFAULT_POLL.tailRatio),
    minIntervalMs,
    maxIntervalMs: Math.max(minIntervalMs, options.maxIntervalMs ?? DEFAULT_POLL.maxIntervalMs),
  };
}

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
  /**
   * The model's learned durations: plans the reads and learns from this task when it succeeds.
   * Default: a fresh sketch from typicalDurationMs that nothing else sees.
   */
  readonly durations?: DurationSketch | undefined;
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

/**
 * What the task's status reads tell about when it ended: the last time it was seen running
 * (and its eta/progress then), so the learned sketch gets an interval, or a point when the
 * provider estimated it.
 */
class Observation {
  runningAt = 0;
  etaMs: number | undefined;
  progress: number | undefined;

  running(elapsedMs: number, status: TaskStatus): void {
    this.runningAt = elapsedMs;
    this.etaMs = status.etaMs !== undefined && status.etaMs >= 0 ? status.etaMs : undefined;
    this.progress = status.progress !== undefined && status.progress > 0 && status.progress < 100 ? status.progress : undefined;
  }

  record(sketch: DurationSketch, doneAt: number): void {
    const clampIn = (ms: number) => Math.min(doneAt, Math.max(this.runningAt, ms));
    if (this.etaMs !== undefined) {
      const at = clampIn(this.runningAt + this.etaMs);
      sketch.observe(at, at);
    } else if (this.progress !== undefined && this.runningAt > 0) {
      const at = clampIn((this.runningAt * 100) / this.progress);
      sketch.observe(at, at);
    } else sketch.observe(this.runningAt, doneAt);
  }
}

export async function pollUntilDone(context: PollContext): Promise<PollOutcome> {
  const options = context.options ?? {};
  const timeoutMs = options.timeoutMs ?? DEFAULT_POLL.timeoutMs;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? DEFAULT_POLL.jitter));
  const random = context.random ?? Math.random;
  const plan = new DelayPlan(context.typicalDurationMs, options);
  const fixed = usesFixedPlan(options);
  const typicalDurationMs = options.typicalDurationMs ?? context.typicalDurationMs;
  const sketch = context.durations ?? new DurationSketch(typicalDurationMs);
  const settings = readPlanSettings(options, typicalDurationMs);
  const started = Date.now();
  const startElapsed = context.elapsedMs ?? 0;
  const elapsed = () => startElapsed + (Date.now() - started);
  const deadline = started + timeoutMs;
  const seen = new Observation();

  let reads = 0;
  // A delay timed to a provider eta is spread both ways: reading before the eta only costs a read.
  let byEta = false;
  // How late this task's sleeps woke (moving average, ms). The learned plan wakes that much early:
  // its gaps are sized to latency targets, and on a busy event loop every read would land late.
  let lateMs = 0;
  // The first read: when the plan's first read time has passed already (a resumed handle), at once.
  let delay = Math.max(0, (fixed ? plan.first : firstReadAt(sketch, settings)) - startElapsed);
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw context.onDeadline(reads, timeoutMs);
    // Jitter spreads many waiters apart; never sleep past the deadline: wake for one last read there.
    // The learned plan jitters only its first read, and only earlier: later gaps count from when
    // each read was sent, so that one offset keeps the task apart from others for good, and a
    // longer or shorter gap would cost latency or reads.
    const spread = delay * (fixed || byEta ? 1 + jitter * (random() * 2 - 1) : reads === 0 ? 1 - jitter * random() : 1);
    const wanted = Math.min(Math.round(spread), remaining);
    const nap = fixed || byEta ? wanted : wanted - Math.min(Math.round(lateMs), Math.floor(wanted / 2));
    const napFrom = Date.now();
    await sleep(nap, context.signal);
    if (context.signal?.aborted) throw abortedError(context.signal);
    lateMs = 0.5 * lateMs + 0.5 * Math.max(0, Date.now() - napFrom - nap);
    // The task was still running when this read was sent: the plan counts from there, so a slow
    // answer does not stretch the cadence.
    const sentAt = elapsed();
    const status = await context.read();
    reads++;
    context.onStatus?.(status, reads);
    if (status.state === 'succeeded') seen.record(sketch, elapsed());
    if (status.state === 'succeeded' || status.state === 'failed') return { status, reads };
    seen.running(sentAt, status);
    byEta = status.etaMs !== undefined && status.etaMs > 0;
    if (byEta) delay = plan.fromEta(status.etaMs as number);
    else delay = fixed ? plan.next(reads) : Math.max(0, nextReadAt(sketch, sentAt, settings) - elapsed());
  }
}
