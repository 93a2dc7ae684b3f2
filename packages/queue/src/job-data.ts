/**
 * What a job carries in Redis. The TaskHandle is the unit of durability: it is written to the
 * job (`updateData`) right after the submit is accepted and before the first status read, so a
 * worker that picks up a stalled job resumes it with `wait` instead of submitting again.
 *
 * `submit` marks that a submit was started. A job found with the mark but no handle is in the one
 * window nobody can see into (the worker died between sending the submit and storing the handle):
 * the provider may or may not have accepted it, so the job fails with `SubmitOutcomeUnknownError`
 * rather than risk paying twice.
 */
import { z } from 'zod';
import type { SavedImage } from 'pictor/node';
import { PictorError, TaskHandleSchema, type ImageRequest, type ImageResult, type TaskHandle, type TaskState } from 'pictor';
import { zodError } from '@pictor/core/adapter';

// Unknown keys are dropped on read: the job data is Pictor's own record.
export const JobDataSchema = z.object({
  /** The image request, as given to `enqueue` (validated again by the provider at submit). */
  request: z.looseObject({ prompt: z.string() }),
  /** Set when a worker started the submit. */
  submit: z.object({ startedAt: z.string(), by: z.string() }).optional(),
  /** The accepted task: present means "resume with wait, never submit again". */
  handle: TaskHandleSchema.optional(),
  /** The last failure, as plain JSON (kind, message, handle), for `pictor job`. */
  error: z.record(z.string(), z.unknown()).optional(),
});

/** The schema's type, with the request and handle as core's types (the schema checks their shape). */
export type ImageJobData = Omit<z.infer<typeof JobDataSchema>, 'request' | 'handle'> & {
  readonly request: ImageRequest;
  readonly handle?: TaskHandle | undefined;
};

/** What a completed job stores as its return value. */
export interface ImageJobResult {
  /** The normalised result (its `raw` provider body dropped unless the worker keeps it). */
  readonly result: ImageResult;
  /** Files written by `saveTo`, or whatever the `sink` returned. */
  readonly saved?: readonly SavedImage[] | unknown;
}

/** What a job reports through `updateProgress`. */
export interface ImageJobProgress {
  readonly state: TaskState | 'submitting';
  readonly progress?: number | undefined;
  readonly etaMs?: number | undefined;
  readonly taskId?: string | undefined;
}

/** Reads job data from Redis: it came from outside this process, so it is checked. */
export function parseJobData(input: unknown): ImageJobData {
  const parsed = JobDataSchema.safeParse(input);
  if (!parsed.success) throw zodError('Invalid job data', parsed.error);
  return parsed.data as ImageJobData;
}

export class SubmitOutcomeUnknownError extends PictorError {
  constructor(jobId: string, submit: { startedAt: string; by: string }) {
    super({
      kind: 'invalid_response',
      submitOutcome: 'unknown',
      message:
        `Job ${jobId}: worker ${submit.by} started a submit at ${submit.startedAt} but stopped before storing the task handle; ` +
        'the provider may have accepted (and billed) it, so it is not submitted again. Check the provider console, then enqueue again under a new id if nothing was created.',
    });
  }
}
