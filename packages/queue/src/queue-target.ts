/** The options a queue and a worker share: which Redis, which queue, and the client that checks or runs jobs. */
import { z } from 'zod';
import { ClientSchema } from './client-option.ts';
import { ConnectionSchema, DEFAULT_QUEUE_NAME } from './connection.ts';

export const QueueTargetSchema = z.object({
  /** Redis: a redis:// URL, BullMQ connection options or an ioredis instance (required). */
  connection: ConnectionSchema,
  /**
   * The BullMQ queue name; a queue and its workers must use the same one.
   * @default 'pictor-images'
   */
  name: z.string().min(1).regex(/^[^:]+$/, 'must not contain ":"').default(DEFAULT_QUEUE_NAME),
  /**
   * Prefix of every Redis key of the queue.
   * @default 'bull'
   */
  prefix: z.string().min(1).optional(),
  /**
   * The client (or any ImageProvider): a queue checks a request's model with it at enqueue time
   * (requests are always checked for shape); a worker runs the jobs with it.
   * @default none for a queue; built from `config` for a worker
   */
  client: ClientSchema.optional(),
  /**
   * A client config (as pictor.json), used when no `client` is given; a worker needs one of the two.
   * @default none
   */
  config: z.looseObject({ model: z.string() }).optional(),
});
