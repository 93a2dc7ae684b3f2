/**
 * createImageWorker: the consumer side. Runs jobs with a Pictor client; a job whose worker died
 * (BullMQ "stalled") is picked up by another worker and resumed from its stored handle.
 */
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import { z } from 'zod';
import type { PictorEvent, WaitOptions } from 'pictor';
import { zodError } from '@pictor/core/adapter';
import { resolveClient, type ClientChoice } from './client-option.ts';
import { toConnectionOptions, type QueueConnection } from './connection.ts';
import { QueueTargetSchema } from './queue-target.ts';
import { parseOptions } from './options.ts';
import type { ImageJobData, ImageJobResult } from './job-data.ts';
import type { ImageJob } from './queue.ts';
import { createFleetBreaker, FleetBreakerSchema } from './fleet-breaker.ts';
import { runImageJob, type ResultSink } from './run-job.ts';

const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'must be a function');

export const ImageWorkerOptionsSchema = QueueTargetSchema
  .extend({
    /**
     * Jobs this process runs at once (each is one provider task, mostly waiting).
     * @default 8
     */
    concurrency: z.number().int().positive().max(10_000).default(8),
    /**
     * How long a job's lock lives without renewal; a worker silent for longer is presumed dead.
     * @default 30000
     */
    lockDurationMs: z.number().int().min(100).default(30_000),
    /**
     * How often workers look for stalled jobs (whose worker died) to hand them to another worker.
     * @default 30000
     */
    stalledIntervalMs: z.number().int().min(100).default(30_000),
    /**
     * Times a job may be recovered from a dead worker before it fails (resuming never resubmits).
     * @default 3
     */
    maxStalledCount: z.number().int().min(0).default(3),
    /**
     * Directory to save every result's images into (core's saveResult).
     * @default not saved
     */
    saveTo: z.string().min(1).optional(),
    /**
     * Receives each result instead of `saveTo`; its return value is stored with the result.
     * @default none
     */
    sink: fn.optional(),
    /**
     * Pause every worker of the queue when the provider keeps refusing submits (fleet-breaker.ts).
     * @default off
     */
    fleetBreaker: FleetBreakerSchema.optional(),
    /**
     * Keep the provider's raw response body in the stored result.
     * @default false
     */
    keepRaw: z.boolean().default(false),
    /**
     * Names this worker in job data (who started a submit).
     * @default `${hostname}:${pid}`
     */
    workerId: z.string().min(1).optional(),
    /**
     * Every lifecycle event of every job, with the job id (live lines, logs).
     * @default none
     */
    onEvent: fn.optional(),
    /**
     * Polling and retry options for waits.
     * @default the providers' own
     */
    waitOptions: z.looseObject({}).optional(),
    /**
     * Start taking jobs at once; otherwise call `worker.run()`.
     * @default true
     */
    autorun: z.boolean().default(true),
  })
  .strict()
  .refine((o) => o.client !== undefined || o.config !== undefined, { message: 'give a client or a config' });

export type ImageWorkerOptions = Omit<z.input<typeof ImageWorkerOptionsSchema>, 'connection' | 'client' | 'config' | 'sink' | 'onEvent' | 'waitOptions'> &
  ClientChoice & {
    readonly connection: QueueConnection;
    readonly sink?: ResultSink | undefined;
    readonly onEvent?: ((jobId: string, event: PictorEvent) => void) | undefined;
    readonly waitOptions?: Pick<WaitOptions, 'poll' | 'retry'> | undefined;
  };

export interface ImageWorker {
  /** The BullMQ worker underneath (events: completed, failed, stalled, error …). */
  readonly worker: Worker<ImageJobData, ImageJobResult>;
  readonly id: string;
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}

export function createImageWorker(input: ImageWorkerOptions): ImageWorker {
  const options = parseOptions(ImageWorkerOptionsSchema, input, 'worker options');
  const client = resolveClient(input);
  if (!client) throw zodError('Invalid worker options', new z.ZodError([{ code: 'custom', path: ['client'], message: 'give a client or a config', input: undefined }]));
  const id = options.workerId ?? `${hostname()}:${process.pid}`;
  const policy = input.fleetBreaker ? createFleetBreaker(input.fleetBreaker) : undefined;
  const worker: Worker<ImageJobData, ImageJobResult> = new Worker<ImageJobData, ImageJobResult>(
    options.name,
    (job, _token, signal) =>
      runImageJob(job as ImageJob, {
        client,
        workerId: id,
        signal,
        keepRaw: options.keepRaw,
        saveTo: options.saveTo,
        sink: input.sink,
        waitOptions: input.waitOptions,
        onEvent: input.onEvent,
        breaker: policy ? { policy, pause: (ms: number): Promise<void> => worker.rateLimit(ms) } : undefined,
      }),
    {
      connection: toConnectionOptions(input.connection),
      ...(options.prefix ? { prefix: options.prefix } : {}),
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: options.maxStalledCount,
      autorun: options.autorun,
    },
  );
  // BullMQ emits connection errors here; without a listener Node would crash the process.
  worker.on('error', () => undefined);
  return { worker, id, close: () => worker.close() };
}
