/**
 * `pictor worker | enqueue | job`: the durable queue's commands live in @pictor/queue (its cli.ts) and
 * are loaded on demand, so every other command runs without BullMQ or Redis. They parse their own
 * arguments and print their own --help.
 */
import { invalidRequest } from 'pictor';
import type { CliIO } from './io.ts';

export const QUEUE_COMMAND_NAMES = ['worker', 'enqueue', 'job'] as const;
export type QueueCommandName = (typeof QUEUE_COMMAND_NAMES)[number];

export const QUEUE_USAGE: Readonly<Record<QueueCommandName, string>> = {
  worker: '--redis <url> [--config <file>]    runs queued jobs until Ctrl-C',
  enqueue: '<prompt> --redis <url> [--job-id <id>]    adds a job; the same id twice is one job',
  job: '<id> --redis <url> [--wait]    a job\'s state, task and result',
};

export function isQueueCommand(name: string): name is QueueCommandName {
  return (QUEUE_COMMAND_NAMES as readonly string[]).includes(name);
}

export async function runQueueCommand(name: QueueCommandName, args: readonly string[], io: CliIO): Promise<number> {
  const queueCli = await import('@pictor/queue').catch((error: Error) => {
    throw invalidRequest(`pictor ${name} needs @pictor/queue (npm install @pictor/queue bullmq ioredis): ${error.message}`);
  });
  return queueCli.runQueueCommand(name, args, io);
}
