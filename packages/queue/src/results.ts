/**
 * Awaiting a job's result through BullMQ's QueueEvents (one Redis stream reader shared by every
 * waiter of a queue object, opened on first use).
 */
import { QueueEvents, type ConnectionOptions, type Job, type Queue } from 'bullmq';
import { z } from 'zod';
import { PictorError, notFound, taskFailed } from 'pictor';
import type { ImageJobResult } from './job-data.ts';
import { parseOptions } from './options.ts';

export const WaitForResultOptionsSchema = z
  .object({
    /**
     * Gives up after this long (the job keeps running).
     * @default no limit
     */
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();

export type WaitForResultOptions = z.input<typeof WaitForResultOptionsSchema>;

export function createResultWaiter(queue: Queue, options: { connection: ConnectionOptions; name: string; prefix?: string | undefined }) {
  let events: QueueEvents | undefined;
  let started: Promise<void> | undefined;
  const open = () => {
    if (!events) {
      // QueueEvents blocks on its connection (XREAD): a client instance given to share is duplicated.
      const shared = options.connection as { duplicate?: () => ConnectionOptions };
      const connection = typeof shared.duplicate === 'function' ? shared.duplicate() : options.connection;
      events = new QueueEvents(options.name, { connection, ...(options.prefix ? { prefix: options.prefix } : {}) });
    }
    started ??= events.waitUntilReady().then(() => undefined);
    return started.then(() => events as QueueEvents);
  };
  return {
    async waitFor(id: string, input: WaitForResultOptions = {}): Promise<ImageJobResult> {
      const waitOptions = parseOptions(WaitForResultOptionsSchema, input, 'waitForResult options');
      const queueEvents = await open();
      const job = (await queue.getJob(id)) as Job | undefined;
      if (!job) throw notFound(`No job "${id}" in queue ${options.name}`);
      try {
        return (await job.waitUntilFinished(queueEvents, waitOptions.timeoutMs)) as ImageJobResult;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (/timed out/i.test(message)) {
          throw new PictorError({ kind: 'timeout', retryable: true, message: `Job ${id} did not finish within ${waitOptions.timeoutMs} ms; it keeps running`, cause: error });
        }
        throw taskFailed(`Job ${id} failed: ${message}`, { cause: error });
      }
    },
    async close() {
      await events?.close();
    },
  };
}
