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
import type { PollOptions } from './poll-options.ts';
import type { TaskStatus } from './types.ts';

export type { PollOptions } from './poll-options.ts';

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

/**
 * Where a poll run reports its end: pollUntilDone's promise, or a wait that shapes its result itself.
 * `fail` must not throw (it is also called outside any try); `done` may, and `fail` then follows.
 */
export interface PollSink {
  done(outcome: PollOutcome): void;
  fail(error: unknown): void;
}

/**
 * Reads until the task succeeds or fails, the deadline passes or the signal aborts. A PollRun and a
 * timer rather than an async loop: a task sleeping between reads (nearly all of its life) then holds
 * one object and one timer, no suspended frame, promise chain or closures (bench/scale).
 */
export function pollUntilDone(context: PollContext): Promise<PollOutcome> {
  return new Promise((resolve, reject) => startPolling(context, { done: resolve, fail: reject }));
}

/**
 * pollUntilDone without a promise of its own: the run reports its end to `sink.done`, or to
 * `sink.fail` (also when done throws). Never throws itself (a bad setting goes to sink.fail). A
 * provider's wait is its own sink, so a waiting task holds no promise between the poll and the caller's.
 */
export function startPolling(context: PollContext, sink: PollSink): void {
  let run: PollRun;
  try {
    run = new PollRun(context, sink);
  } catch (error) {
    sink.fail(error);
    return;
  }
  run.sleep();
}

/** `{ once: true }` for the abort listener, shared by every run. */
const ONCE = { once: true } as const;

/** The timer's callback: module-level, the run is its argument (no closure per sleep). */
function wake(run: PollRun): void {
  run.wake();
}

/** One wait's loop as state: sleep → wake → read → (done | sleep). Each step catches its own errors. */
class PollRun {
  private readonly context: PollContext;
  private readonly sink: PollSink;
  private readonly timeoutMs: number;
  private readonly jitter: number;
  private readonly plan: DelayPlan;
  private readonly sketch: DurationSketch;
  /** Only the learned plan reads these (a fixed plan's task holds no object for them). */
  private readonly settings: ReadPlanSettings | undefined;
  private readonly started: number;
  /** Time already spent since submission when the run started (a resumed handle waits less). */
  private readonly startElapsed: number;
  private readonly deadline: number;
  private readonly seen = new Observation();
  private reads = 0;
  private delay: number;
  /** When the current read was sent, as time since submission. */
  private sentAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Resumed after its planned first read time (a saved handle): its first read comes at once. */
  private readonly resumedLate: boolean;
  /** The current delay was timed to a provider eta. */
  private byEta = false;
  /** How late this task's sleeps woke (moving average, ms), and the current sleep's start and length. */
  private lateMs = 0;
  private napFrom = 0;
  private napMs = 0;
  /** The read's handlers, bound once per run on its first read rather than once per read. */
  private answered: ((status: TaskStatus) => void) | undefined;
  private failed: ((error: unknown) => void) | undefined;

  constructor(context: PollContext, sink: PollSink) {
    const options = context.options ?? {};
    this.context = context;
    this.sink = sink;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_POLL.timeoutMs;
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? DEFAULT_POLL.jitter));
    this.plan = new DelayPlan(context.typicalDurationMs, options);
    const typicalDurationMs = options.typicalDurationMs ?? context.typicalDurationMs;
    this.sketch = context.durations ?? new DurationSketch(typicalDurationMs);
    this.settings = usesFixedPlan(options) ? undefined : readPlanSettings(options, typicalDurationMs);
    this.started = Date.now();
    this.startElapsed = context.elapsedMs ?? 0;
    this.deadline = this.started + this.timeoutMs;
    // The first read: when the plan's first read time has passed already (a resumed handle), at once.
    this.delay = Math.max(0, (this.settings ? firstReadAt(this.sketch, this.settings) : this.plan.first) - this.startElapsed);
    this.resumedLate = this.startElapsed > 0 && this.delay === 0;
  }

  /** Time since submission (ms). */
  private elapsed(): number {
    return this.startElapsed + (Date.now() - this.started);
  }

  /** Waits `delay` (jittered) before the next read; at the deadline, fails instead. */
  sleep(): void {
    try {
      const context = this.context;
      const remaining = this.deadline - Date.now();
      if (remaining <= 0) throw context.onDeadline(this.reads, this.timeoutMs);
      // Jitter spreads many waiters apart; never sleep past the deadline: wake for one last read there.
      const random = context.random ?? Math.random;
      // The learned plan jitters only its first read, over a width of `jitter` x the delay centred on
      // it: later gaps count from when each read was sent, so that one offset keeps the task apart
      // from others for good, and a longer or shorter gap would cost latency or reads. Centred, the
      // offset costs no reads on average (bringing every first read earlier cost one read per
      // gap of offset: ~3% of balanced's reads in bench/poll-sim.ts).
      const learned = this.settings !== undefined && !this.byEta;
      const spread = this.delay * (!learned ? 1 + this.jitter * (random() * 2 - 1) : this.reads === 0 ? 1 + this.jitter * (random() - 0.5) : 1);
      const wanted = Math.min(Math.round(spread), remaining);
      // On a busy event loop every sleep wakes late; the learned plan's gaps are sized to latency
      // targets, so it wakes early by the lateness seen so far (at most half the gap).
      // A sleep cut short by the deadline is the last one: it is not shortened further.
      const ms = learned && wanted < remaining ? wanted - Math.min(Math.round(this.lateMs), Math.floor(wanted / 2)) : wanted;
      this.napMs = ms;
      this.napFrom = Date.now();
      const signal = context.signal;
      if (signal?.aborted) throw abortedError(signal);
      // Only the first read may come at once (a resumed handle past its first read time): later reads
      // wait at least a timer tick, so zero intervals and an adapter that answers at once cannot
      // chain microtasks and starve the event loop until the deadline.
      if (ms <= 0 && this.reads === 0) {
        // Next microtask, as an await of a resolved promise would (PollRun has no `then`: not a thenable).
        void Promise.resolve(this).then(wake);
        return;
      }
      this.timer = setTimeout(wake, Math.max(1, ms), this);
      // An abort interrupts the sleep at once (handleEvent), not at the next read.
      signal?.addEventListener('abort', this, ONCE);
    } catch (error) {
      this.sink.fail(error);
    }
  }

  /** The abort listener (an object with handleEvent, so no closure): ends the sleep at once. */
  handleEvent(): void {
    clearTimeout(this.timer);
    this.sink.fail(abortedError(this.context.signal));
  }

  /** The sleep is over: read, unless the signal aborted meanwhile. */
  wake(): void {
    try {
      const context = this.context;
      const signal = context.signal;
      signal?.removeEventListener('abort', this);
      if (signal?.aborted) throw abortedError(signal);
      this.lateMs = 0.5 * this.lateMs + 0.5 * Math.max(0, Date.now() - this.napFrom - this.napMs);
      // The task was still running when this read was sent: the plan counts from there, so a slow
      // answer does not stretch the cadence.
      this.sentAt = this.elapsed();
      this.answered ??= this.answer.bind(this);
      // A failed read ends the wait with its error (retries happened inside the read).
      this.failed ??= this.sink.fail.bind(this.sink);
      void Promise.resolve(context.read()).then(this.answered, this.failed);
    } catch (error) {
      this.sink.fail(error);
    }
  }

  /** A read answered: done, or plan the next read and sleep. */
  private answer(status: TaskStatus): void {
    try {
      const reads = ++this.reads;
      this.context.onStatus?.(status, reads);
      // A resumed task seen done at its first read only says "done within the hours since submission":
      // nothing to learn, and it would drag the model's shared sketch toward its age.
      if (status.state === 'succeeded' && (!this.resumedLate || this.seen.runningAt > 0)) this.seen.record(this.sketch, this.elapsed());
      if (status.state === 'succeeded' || status.state === 'failed') return this.sink.done({ status, reads });
      const sentAt = this.sentAt;
      this.seen.running(sentAt, status);
      // A delay timed to a provider eta is spread both ways: reading before the eta only costs a read.
      this.byEta = status.etaMs !== undefined && status.etaMs > 0;
      if (this.byEta) this.delay = this.plan.fromEta(status.etaMs as number);
      else this.delay = this.settings ? Math.max(0, nextReadAt(this.sketch, sentAt, this.settings) - this.elapsed()) : this.plan.next(reads);
      this.sleep();
    } catch (error) {
      this.sink.fail(error);
    }
  }
}
