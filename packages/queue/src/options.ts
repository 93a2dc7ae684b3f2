/**
 * zod schemas of the queue's public options; the option types are derived from them.
 */
import { zodError } from '@pictor/core/adapter';
import { z } from 'zod';

/** Parses options with their schema; a failure is one invalid_request naming each bad field ("Invalid <what>: …"). */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw zodError(`Invalid ${what}`, parsed.error);
  return parsed.data;
}

/** BullMQ refuses custom ids that are integers or contain ':' (its key separator). */
export const JobIdSchema = z
  .string()
  .min(1)
  .max(256)
  .refine((id) => !/^-?\d+$/.test(id), 'must not be an integer (BullMQ reserves those for its own ids)')
  .refine((id) => !id.includes(':'), 'must not contain ":"');

export const EnqueueOptionsSchema = z
  .object({
    /**
     * The job's id. Enqueuing an id that exists is a no-op returning the same job: one job, one submit.
     * @default a fresh id from BullMQ
     */
    jobId: JobIdSchema.optional(),
    /** Same as `jobId` (use whichever reads better; they must agree when both are given). */
    idempotencyKey: JobIdSchema.optional(),
    /**
     * BullMQ priority: 1 is the highest, larger numbers run later; 0 or absent means no priority.
     * @default 0
     */
    priority: z.number().int().min(0).max(2_097_152).optional(),
    /**
     * Milliseconds before the job may start.
     * @default 0
     */
    delay: z.number().int().min(0).optional(),
    /**
     * Runs of the job when it fails with a retryable error (a resumed handle is never resubmitted).
     * @default 1
     */
    attempts: z.number().int().positive().max(100).default(1),
  })
  .strict()
  .refine((o) => o.jobId === undefined || o.idempotencyKey === undefined || o.jobId === o.idempotencyKey, {
    message: 'jobId and idempotencyKey name the job id: give one, or the same value',
  });

export type EnqueueOptions = z.input<typeof EnqueueOptionsSchema>;

export const FleetLimitsSchema = z
  .object({
    /**
     * Jobs running at once across every worker of the queue (BullMQ global concurrency). Each job
     * holds one provider task, so this is the fleet's provider concurrency.
     * @default unlimited
     */
    concurrency: z.number().int().positive().optional(),
    /**
     * Jobs started per second across every worker (BullMQ global rate limit).
     * @default unlimited
     */
    rps: z.number().positive().optional(),
  })
  .strict();

export type FleetLimits = z.infer<typeof FleetLimitsSchema>;
