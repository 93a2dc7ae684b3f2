/**
 * createImageQueue: the producer side. Enqueues image requests as BullMQ jobs, reads them back and
 * awaits their results.
 */
import { Queue, type Job } from 'bullmq';
import { z } from 'zod';
import { parseImageRequest, invalidRequest, type ImageProvider, type ImageRequest } from 'pictor';
import { resolveClient, type ClientChoice } from './client-option.ts';
import { toConnectionOptions, type QueueConnection } from './connection.ts';
import { QueueTargetSchema } from './queue-target.ts';
import type { ImageJobData, ImageJobProgress, ImageJobResult } from './job-data.ts';
import { EnqueueOptionsSchema, FleetLimitsSchema, parseOptions, type EnqueueOptions, type FleetLimits } from './options.ts';
import { createResultWaiter, type WaitForResultOptions } from './results.ts';

export const ImageQueueOptionsSchema = QueueTargetSchema
  .extend({
    /**
     * Limits for the whole fleet of workers, stored in Redis and applied by BullMQ.
     * @default no limits
     */
    fleet: FleetLimitsSchema.optional(),
  })
  .strict();

export type ImageQueueOptions = Omit<z.input<typeof ImageQueueOptionsSchema>, 'connection' | 'client' | 'config' | 'fleet'> &
  ClientChoice & { readonly connection: QueueConnection; readonly fleet?: FleetLimits | undefined };

export type ImageJob = Job<ImageJobData, ImageJobResult>;

/** A job's state as `pictor job` and scripts see it. */
export interface ImageJobInfo {
  readonly id: string;
  readonly state: string;
  readonly progress: ImageJobProgress | undefined;
  readonly data: ImageJobData;
  readonly returnvalue: ImageJobResult | undefined;
  readonly failedReason: string | undefined;
  readonly attemptsMade: number;
}

export interface ImageQueue {
  /** The BullMQ queue underneath, for anything not wrapped here. */
  readonly queue: Queue<ImageJobData, ImageJobResult>;
  /** Settles once the fleet limits (if any) are stored in Redis; `enqueue` awaits it too. */
  readonly ready: Promise<void>;
  /** Adds a job; the same `jobId`/`idempotencyKey` twice is one job (and one submit). */
  enqueue(request: ImageRequest, options?: EnqueueOptions): Promise<{ readonly id: string }>;
  /** A job's state, progress, handle and result; undefined when no such job exists. */
  getJob(id: string): Promise<ImageJobInfo | undefined>;
  /** Resolves with the job's result once it completes; rejects with its failure (QueueEvents). */
  waitForResult(id: string, options?: WaitForResultOptions): Promise<ImageJobResult>;
  close(): Promise<void>;
}

export function createImageQueue(input: ImageQueueOptions): ImageQueue {
  const options = parseOptions(ImageQueueOptionsSchema, input, 'queue options');
  const client = resolveClient(input);
  const connection = toConnectionOptions(input.connection);
  const queue = new Queue<ImageJobData, ImageJobResult>(options.name, { connection, ...(options.prefix ? { prefix: options.prefix } : {}) });
  // Each pending waitForResult listens for the queue closing: many concurrent waiters are normal.
  queue.setMaxListeners(0);
  const ready = applyFleetLimits(queue, options.fleet);
  // Awaited by enqueue (which then rejects); nobody else may be listening when Redis is down.
  ready.catch(() => undefined);
  const results = createResultWaiter(queue, { connection, name: options.name, prefix: options.prefix });

  return {
    queue,
    ready,
    async enqueue(request, enqueueOptions = {}) {
      const opts = parseOptions(EnqueueOptionsSchema, enqueueOptions, 'enqueue options');
      parseImageRequest(request);
      if (client) checkModel(client, request.model);
      await ready;
      const { jobId, idempotencyKey, ...rest } = opts;
      const id = jobId ?? idempotencyKey;
      const job = await queue.add('generate', { request }, { ...rest, ...(id ? { jobId: id } : {}) });
      return { id: job.id as string };
    },
    async getJob(id) {
      const job = (await queue.getJob(id)) as ImageJob | undefined;
      if (!job) return undefined;
      return {
        id,
        state: await job.getState(),
        progress: typeof job.progress === 'object' ? (job.progress as unknown as ImageJobProgress) : undefined,
        data: job.data,
        returnvalue: job.returnvalue ?? undefined,
        failedReason: job.failedReason || undefined,
        attemptsMade: job.attemptsMade,
      };
    },
    waitForResult: (id, waitOptions) => results.waitFor(id, waitOptions),
    async close() {
      await ready.catch(() => undefined);
      await results.close();
      await queue.close();
    },
  };
}

async function applyFleetLimits(queue: Queue, fleet: FleetLimits | undefined): Promise<void> {
  if (fleet?.concurrency !== undefined) await queue.setGlobalConcurrency(fleet.concurrency);
  // BullMQ's limiter counts jobs per window: rps r becomes ceil(r) jobs per ceil(r)/r seconds.
  if (fleet?.rps !== undefined) await queue.setGlobalRateLimit(Math.ceil(fleet.rps), Math.round((Math.ceil(fleet.rps) / fleet.rps) * 1000));
}

/** A request naming a model the client does not know fails now, not minutes later in a worker. */
function checkModel(client: ImageProvider, model: string | undefined): void {
  if (model === undefined) return;
  const providers = (client as { providers?: Record<string, ImageProvider> }).providers;
  const [id, name] = model.includes(':') ? (model.split(':') as [string, string]) : [undefined, model];
  const known = Object.keys(client.models).some((ref) => ref === model || ref.endsWith(`:${name}`)) || (id !== undefined && providers?.[id]?.models[name] !== undefined);
  if (!known) {
    throw invalidRequest(`Unknown model "${model}"; the client knows: ${Object.keys(client.models).join(', ')}`);
  }
}
