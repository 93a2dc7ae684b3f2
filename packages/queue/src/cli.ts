/**
 * The queue's CLI commands (`pictor worker`, `pictor enqueue`, `pictor job`). The `pictor` CLI loads
 * this module only for these commands, so it never loads BullMQ otherwise. Each command takes argv
 * and streams and returns an exit code; errors are thrown as PictorErrors for the CLI to report.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PictorError, createImageClient, defaultClientConfig, invalidRequest, notFound, type ClientConfig, type ImageRequest, type PictorEvent } from 'pictor';
import { readEnv } from '@pictor/core/adapter';
import { loadClientConfig } from 'pictor/node';
import { createImageQueue, type ImageJobInfo } from './queue.ts';
import { createImageWorker } from './worker.ts';

export interface QueueCliIO {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Aborting it stops a worker gracefully (running jobs finish first). */
  readonly signal?: AbortSignal | undefined;
}

export const QUEUE_COMMANDS = ['worker', 'enqueue', 'job'] as const;
export type QueueCommand = (typeof QUEUE_COMMANDS)[number];

const COMMON = {
  redis: { type: 'string' },
  queue: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

export const QUEUE_HELP: Readonly<Record<QueueCommand, string>> = {
  worker: `pictor worker --config pictor.json --redis redis://host:6379 [options]
  Runs queued jobs until Ctrl-C (running jobs finish first); one line per job event.
  --queue name             BullMQ queue name (default pictor-images)
  --concurrency n          jobs this process runs at once (default 8)
  --out dir                save every result's images into dir
  --fleet-concurrency n    jobs running at once across all workers (stored in Redis)
  --fleet-rps r            jobs started per second across all workers (stored in Redis)
  --lock-duration ms       a worker silent this long is presumed dead (default 30000)
  --stalled-interval ms    how often to look for jobs of dead workers (default 30000)
  --worker-id id           this worker's name in job data (default host:pid)
  --fleet-breaker          pause every worker when the provider keeps refusing submits (fleetBreaker)`,
  enqueue: `pictor enqueue <prompt> --redis redis://host:6379 [options]
  Prints the job id. The same --job-id twice is one job (and one submit).
  --model provider:model   --size WxH   --quality q   --n k
  --job-id id              idempotency key   --priority n (1 = highest)   --delay ms
  --attempts n             runs when a job fails with a retryable error (default 1)
  --config file            check the model against this client config
  --wait [--timeout ms]    wait for the result and print it`,
  job: `pictor job <id> --redis redis://host:6379 [--queue name] [--json] [--wait [--timeout ms]]
  Prints a job's state, progress, task and result (exit 7 when there is no such job).`,
};

/** Each command's runner: a Record, so a command added to QUEUE_COMMANDS without one is a type error. */
const RUNNERS: Record<QueueCommand, (argv: readonly string[], io: QueueCliIO) => Promise<number>> = {
  worker: workerCommand,
  enqueue: enqueueCommand,
  job: jobCommand,
};

export async function runQueueCommand(command: QueueCommand, argv: readonly string[], io: QueueCliIO): Promise<number> {
  return RUNNERS[command](argv, io);
}

function parse<const Extra extends NonNullable<ParseArgsConfig['options']>>(command: QueueCommand, args: readonly string[], extra: Extra) {
  try {
    return parseArgs({ args: [...args], options: { ...COMMON, ...extra }, allowPositionals: true, strict: true });
  } catch (error) {
    throw invalidRequest(`${command}: ${(error as Error).message}`);
  }
}

/** `--redis`, else PICTOR_REDIS_URL or REDIS_URL, else the local default. */
function redisOf(value: string | undefined): string {
  return value ?? readEnv('PICTOR_REDIS_URL') ?? readEnv('REDIS_URL') ?? 'redis://127.0.0.1:6379';
}

function numberOf(name: string, value: string | undefined, rule: (n: number) => boolean, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !rule(n)) throw invalidRequest(`--${name} must be ${what}, got "${value}"`);
  return n;
}
const whole = (n: number) => Number.isInteger(n) && n >= 0;
const positive = (n: number) => n > 0;

async function configOf(path: string | undefined): Promise<ClientConfig> {
  return path ? loadClientConfig(path) : defaultClientConfig().config;
}

async function workerCommand(argv: readonly string[], io: QueueCliIO): Promise<number> {
  const { values } = parse('worker', argv, {
    config: { type: 'string' },
    concurrency: { type: 'string' },
    out: { type: 'string' },
    'fleet-concurrency': { type: 'string' },
    'fleet-rps': { type: 'string' },
    'lock-duration': { type: 'string' },
    'stalled-interval': { type: 'string' },
    'worker-id': { type: 'string' },
    'fleet-breaker': { type: 'boolean', default: false },
  });
  if (values.help) return help('worker', io);
  const connection = redisOf(values.redis);
  const config = await configOf(values.config);
  const fleetConcurrency = numberOf('fleet-concurrency', values['fleet-concurrency'], (n) => whole(n) && n > 0, 'a positive whole number');
  const fleetRps = numberOf('fleet-rps', values['fleet-rps'], positive, 'a positive number');
  const line = (text: string) => io.stdout.write(`${text}\n`);
  const worker = createImageWorker({
    connection,
    config,
    ...(values.queue ? { name: values.queue } : {}),
    ...(values.out ? { saveTo: values.out } : {}),
    ...(values['worker-id'] ? { workerId: values['worker-id'] } : {}),
    ...(values['fleet-breaker'] ? { fleetBreaker: {} } : {}),
    concurrency: numberOf('concurrency', values.concurrency, (n) => whole(n) && n > 0, 'a positive whole number'),
    lockDurationMs: numberOf('lock-duration', values['lock-duration'], whole, 'a whole number of ms'),
    stalledIntervalMs: numberOf('stalled-interval', values['stalled-interval'], whole, 'a whole number of ms'),
    onEvent: (jobId, event) => {
      const text = describeEvent(event);
      if (text) line(`${jobId} ${text}`);
    },
  });
  if (fleetConcurrency !== undefined || fleetRps !== undefined) {
    const queue = createImageQueue({ connection, ...(values.queue ? { name: values.queue } : {}), fleet: { concurrency: fleetConcurrency, rps: fleetRps } });
    await queue.ready;
    await queue.close();
  }
  worker.worker.on('active', (job) => line(`${job.id} ${job.data.handle ? `resumed task ${job.data.handle.taskId}` : 'started'}`));
  worker.worker.on('completed', (job, value) => {
    const saved = Array.isArray(value.saved) ? ` → ${value.saved.map((s: { path: string }) => s.path).join(', ')}` : '';
    line(`${job.id} completed ${value.result.images.length} image(s)${saved}`);
  });
  worker.worker.on('failed', (job, error) => line(`${job?.id ?? '?'} failed: ${error.message}`));
  await worker.worker.waitUntilReady();
  line(`worker ${worker.id} ready on queue ${values.queue ?? 'pictor-images'}`);
  await new Promise<void>((resolve) => {
    if (io.signal?.aborted) return resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  line(`worker ${worker.id} stopping: running jobs finish first`);
  await worker.close();
  return 0;
}

/** One line per event worth a line; status lines come only when state or progress changes. */
function describeEvent(event: PictorEvent): string | undefined {
  switch (event.type) {
    case 'submitted':
      return `submitted ${event.provider}:${event.model} task ${event.handle.taskId}`;
    case 'status':
      return `${event.state}${event.progress !== undefined ? ` ${event.progress}%` : ''}${event.etaMs !== undefined ? ` eta ${(event.etaMs / 1000).toFixed(1)}s` : ''} (task ${event.taskId}, ${event.statusRequests} reads)`;
    case 'retry':
      return `retry ${event.stage} #${event.attempt} in ${event.delayMs} ms (${event.error.kind})`;
    case 'failover':
      return `failover ${event.from} → ${event.to ?? '(none left)'}: ${event.reason}`;
    case 'limited':
      return `waiting for the ${event.key} ${event.reason} limit`;
    default:
      return undefined;
  }
}

async function enqueueCommand(argv: readonly string[], io: QueueCliIO): Promise<number> {
  const { values, positionals } = parse('enqueue', argv, {
    config: { type: 'string' },
    model: { type: 'string' },
    size: { type: 'string' },
    quality: { type: 'string' },
    n: { type: 'string' },
    'job-id': { type: 'string' },
    priority: { type: 'string' },
    delay: { type: 'string' },
    attempts: { type: 'string' },
    wait: { type: 'boolean', default: false },
    timeout: { type: 'string' },
  });
  if (values.help) return help('enqueue', io);
  const prompt = positionals.join(' ').trim();
  if (!prompt) throw invalidRequest('enqueue: a prompt is required, e.g. pictor enqueue "a red fox in snow" --redis redis://127.0.0.1:6379');
  const n = numberOf('n', values.n, (v) => whole(v) && v > 0, 'a positive whole number');
  const request: ImageRequest = {
    prompt,
    ...(values.model ? { model: values.model } : {}),
    ...(values.size ? { size: values.size } : {}),
    ...(values.quality ? { quality: values.quality } : {}),
    ...(n !== undefined ? { n } : {}),
  };
  const queue = createImageQueue({
    connection: redisOf(values.redis),
    ...(values.queue ? { name: values.queue } : {}),
    ...(values.config ? { client: createImageClient(await loadClientConfig(values.config)) } : {}),
  });
  try {
    const { id } = await queue.enqueue(request, {
      ...(values['job-id'] ? { jobId: values['job-id'] } : {}),
      priority: numberOf('priority', values.priority, whole, 'a whole number'),
      delay: numberOf('delay', values.delay, whole, 'a whole number of ms'),
      attempts: numberOf('attempts', values.attempts, (v) => whole(v) && v > 0, 'a positive whole number'),
    });
    if (!values.wait) {
      io.stdout.write(values.json ? `${JSON.stringify({ id })}\n` : `${id}\n`);
      return 0;
    }
    const result = await queue.waitForResult(id, { timeoutMs: numberOf('timeout', values.timeout, (v) => whole(v) && v > 0, 'a positive whole number of ms') });
    io.stdout.write(values.json ? `${JSON.stringify({ id, ...result })}\n` : `${id} completed: ${result.result.images.map((i) => i.url).join(' ')}\n`);
    return 0;
  } finally {
    await queue.close();
  }
}

async function jobCommand(argv: readonly string[], io: QueueCliIO): Promise<number> {
  const { values, positionals } = parse('job', argv, { wait: { type: 'boolean', default: false }, timeout: { type: 'string' } });
  if (values.help) return help('job', io);
  const id = positionals[0];
  if (!id || positionals.length > 1) throw invalidRequest('job: give one job id, e.g. pictor job order-42 --redis redis://127.0.0.1:6379');
  const queue = createImageQueue({ connection: redisOf(values.redis), ...(values.queue ? { name: values.queue } : {}) });
  try {
    if (values.wait) {
      await queue.waitForResult(id, { timeoutMs: numberOf('timeout', values.timeout, (v) => whole(v) && v > 0, 'a positive whole number of ms') }).catch((error: unknown) => {
        // A failed job is reported below with its state; only "gone" or "too slow" end here.
        if (error instanceof PictorError && error.kind !== 'task_failed') throw error;
      });
    }
    const info = await queue.getJob(id);
    if (!info) throw notFound(`No job "${id}" in queue ${values.queue ?? 'pictor-images'}`);
    io.stdout.write(values.json ? `${JSON.stringify(info)}\n` : describeJob(info));
    return values.wait && info.state === 'failed' ? 10 : 0;
  } finally {
    await queue.close();
  }
}

function describeJob(info: ImageJobInfo): string {
  const lines = [`job ${info.id}: ${info.state} (attempts ${info.attemptsMade})`];
  if (info.progress) lines.push(`  progress: ${info.progress.state}${info.progress.progress !== undefined ? ` ${info.progress.progress}%` : ''}`);
  if (info.data.handle) lines.push(`  task: ${info.data.handle.provider}:${info.data.handle.model} ${info.data.handle.taskId}`);
  for (const image of info.returnvalue?.result.images ?? []) lines.push(`  image: ${image.url}`);
  if (Array.isArray(info.returnvalue?.saved)) for (const saved of info.returnvalue.saved as { path: string }[]) lines.push(`  saved: ${saved.path}`);
  if (info.failedReason) lines.push(`  failed: ${info.failedReason}`);
  return `${lines.join('\n')}\n`;
}

function help(command: QueueCommand, io: QueueCliIO): number {
  io.stdout.write(`${QUEUE_HELP[command]}\n`);
  return 0;
}
