/**
 * `@pictor/queue`: a durable generation queue on BullMQ + Redis. Every export is listed by name;
 * what the package uses internally (job running, data parsing, connection options) is not exported.
 */

// Producer: enqueue (idempotent by key), inspect, await a result.
export { createImageQueue, ImageQueueOptionsSchema } from './queue.ts';
export type { ImageJob, ImageJobInfo, ImageQueue, ImageQueueOptions } from './queue.ts';
export { EnqueueOptionsSchema, FleetLimitsSchema } from './options.ts';
export type { EnqueueOptions, FleetLimits } from './options.ts';
export { WaitForResultOptionsSchema } from './results.ts';
export type { WaitForResultOptions } from './results.ts';

// Worker: runs jobs, stores the handle before polling, resumes stalled jobs without resubmitting.
export { createImageWorker, ImageWorkerOptionsSchema } from './worker.ts';
export type { ImageWorker, ImageWorkerOptions } from './worker.ts';
export type { ResultSink } from './run-job.ts';
export { FleetBreakerSchema } from './fleet-breaker.ts';
export type { FleetBreakerOptions } from './fleet-breaker.ts';

// What a job holds, and the error for a submit whose outcome can't be known.
export { SubmitOutcomeUnknownError } from './job-data.ts';
export type { ImageJobData, ImageJobProgress, ImageJobResult } from './job-data.ts';
export type { QueueConnection } from './connection.ts';

// The `pictor worker | enqueue | job` commands (loaded by @pictor/cli on demand).
export { QUEUE_COMMANDS, QUEUE_HELP, runQueueCommand } from './cli.ts';
export type { QueueCliIO, QueueCommand } from './cli.ts';
