/**
 * The `poll` option (ProviderClientOptions.poll, WaitOptions.poll) as a zod schema; PollOptions is
 * derived from it. Defaults are DEFAULT_POLL in poll.ts; how a plan uses them, read-plan.ts.
 */
import { z } from 'zod';

/** A strict object, so a misspelt setting is refused instead of ignored. */
export const PollOptionsSchema = z
  .object({
    /**
     * The typical duration the ratios below are shares of. Default: the model's `typicalDurationMs`.
     * Set it when the server runs at another pace than the real provider (an emulator, a staging proxy).
     * @default the model's `typicalDurationMs`
     */
    typicalDurationMs: z.number().positive().optional(),
    /**
     * Learned plan: the extra latency (result ready to result seen) that half the tasks should stay
     * within, as a share of the model's typical duration (0.03: 600 ms for a 20-s model). The plan
     * spends its reads to meet this and `targetP90Ratio` with few reads (read-plan.ts).
     * @default 0.03
     */
    targetP50Ratio: z.number().min(0).optional(),
    /** Learned plan: the same p50 target in ms, overriding `targetP50Ratio`. @default unset (the ratio applies) */
    targetP50Ms: z.number().min(0).optional(),
    /**
     * Learned plan: the extra latency 90% of tasks should stay within, as a share of the model's
     * typical duration (0.06: 1.2 s for a 20-s model). The fastest tasks (under 10%) wait for the
     * first read, which is what makes reading early unnecessary.
     * @default 0.06
     */
    targetP90Ratio: z.number().min(0).optional(),
    /** Learned plan: the same p90 target in ms, overriding `targetP90Ratio`. @default unset (the ratio applies) */
    targetP90Ms: z.number().min(0).optional(),
    /** Learned plan: past this learned quantile a task is "slow" and its reads thin out. @default 0.98 */
    tailQuantile: z.number().gt(0).lt(1).optional(),
    /** Learned plan: gap in the tail as a share of the time spent past `tailQuantile`. @default 0.25 */
    tailRatio: z.number().min(0).optional(),
    /** Fixed plan: delay before the first read, in ms. Setting it selects the fixed plan. @default `firstDelayRatio` x the typical duration */
    firstDelayMs: z.number().min(0).optional(),
    /** Fixed plan: share of the typical duration to wait before the first read. Setting it selects the fixed plan. @default 0.75 */
    firstDelayRatio: z.number().min(0).optional(),
    /** Fixed plan: interval after the first read, in ms. Setting it selects the fixed plan. @default `intervalRatio` x the typical duration, within the bounds */
    intervalMs: z.number().min(0).optional(),
    /** Fixed plan: interval after the first read as a share of the typical duration (1 s for a 20-s model). @default 0.05 */
    intervalRatio: z.number().min(0).optional(),
    /** Shortest interval between reads, in ms. @default 200 */
    minIntervalMs: z.number().min(0).optional(),
    /** Longest interval between reads, in ms. @default 10000 */
    maxIntervalMs: z.number().min(0).optional(),
    /** Fixed plan: growth of the interval per read, so a task far slower than usual is read less and less often. @default 1.05 */
    factor: z.number().optional(),
    /**
     * Random spread of each delay, 0..1, so many waiters don't read in lockstep. The fixed plan
     * spreads every delay both ways; the learned plan only its first read, by half as much each way
     * (its later gaps count from each read, so the offset lasts, and a jittered gap would miss its target).
     * @default 0.1
     */
    jitter: z.number().min(0).max(1).optional(),
    /** Total time a wait may take, measured from the call, in ms. @default 600000 (10 minutes) */
    timeoutMs: z.number().min(0).optional(),
    /** Added to a provider eta so the read lands just after the task is done, in ms. @default 50 */
    etaMarginMs: z.number().min(0).optional(),
    /** Longest wait a provider eta may cause, in case an eta is wild, in ms. @default 120000 (2 minutes) */
    maxEtaWaitMs: z.number().min(0).optional(),
  })
  .strict();

export type PollOptions = Readonly<z.output<typeof PollOptionsSchema>>;
