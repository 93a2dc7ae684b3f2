/**
 * `@pictor/queue`: a durable generation queue on BullMQ + Redis. Every export is listed by name;
 * what the package uses internally (job running, data parsing, connection options) is not exported.
 */

// Producer: enqueue (idempotent by key), inspect, await a result.
export { createImageQueue, ImageQueueOptionsSchema, type ImageJob, type ImageJobInfo, type ImageQueue, type ImageQueueOptions } from './queue.ts';
export { EnqueueOptionsSchema, FleetLimitsSchema, type EnqueueOptions, type FleetLimits } from './options.ts';
export { WaitForResultOptionsSchema, type WaitForResultOptions } from './results.ts';

// Worker: runs jobs, stores the handle before polling, resumes stalled jobs without resubmitting.
export { createImageWorker, ImageWorkerOptionsSchema, type ImageWorker, type ImageWorkerOptions } from './worker.ts';
export type { ResultSink } from './run-job.ts';
export { FleetBreakerSchema, type FleetBreakerOptions } from './fleet-breaker.ts';

// What a job holds, and the error for a submit whose outcome can't be known.
export { SubmitOutcomeUnknownError, type ImageJobData, type ImageJobProgress, type ImageJobResult } from './job-data.ts';
export type { QueueConnection } from './connection.ts';

// The `pictor worker | enqueue | job` commands (loaded by @pictor/cli on demand).
export { QUEUE_COMMANDS, QUEUE_HELP, runQueueCommand, type QueueCliIO, type QueueCommand } from './cli.ts';
