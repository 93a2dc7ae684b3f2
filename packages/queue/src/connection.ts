/**
 * Redis connection options: a `redis://` URL or BullMQ's connection options (host, port, …).
 */
import type { ConnectionOptions } from 'bullmq';
import { z } from 'zod';

export const ConnectionSchema = z.union([
  z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }),
  z.looseObject({}),
]);

export type QueueConnection = string | ConnectionOptions;

export function toConnectionOptions(connection: QueueConnection): ConnectionOptions {
  return typeof connection === 'string' ? { url: connection } : connection;
}

/** The queue's name when none is given. */
export const DEFAULT_QUEUE_NAME = 'pictor-images';
