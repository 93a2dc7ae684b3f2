export * from './connection.ts';
export * from './job-data.ts';
export * from './options.ts';
export * from './queue.ts';
export * from './results.ts';
export * from './run-job.ts';
export * from './worker.ts';
export * from './cli.ts';
