/**
 * Queue (BullMQ): 10,000 jobs through 4 worker processes against the emulator (its own process) at
 * scaled-down task durations, on a throwaway redis-server. Figures: jobs/s, Redis commands per job
 * (sent by clients, ≈ round trips; and executed by the server, including those inside BullMQ's Lua
 * scripts, from INFO commandstats), and the p99 time a job is active in a worker versus an
 * in-process `generate` of the same tasks in the same run. Skipped when redis-server is absent.
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { createImageQueue } from '@pictor/queue';
import { createImageClient } from 'pictor';
import { fmt, load, percentile, startEmulatorProcess, type Row } from './lib.ts';

const WORKERS = 4;
const PER_WORKER = 25;
const DURATION_MS = 500;
/** About 3 status reads per task, so the emulator (one process on a shared machine) keeps up. */
const POLL = { firstDelayMs: 450, intervalMs: 100, minIntervalMs: 100, maxEtaWaitMs: 100, jitter: 0 };

export async function runQueue(quick: boolean): Promise<Row[]> {
  if (spawnSync('redis-server', ['--version']).error) {
    process.stderr.write('bench: queue skipped: redis-server is not installed (apt-get install redis-server)\n');
    return [];
  }
  const jobs = quick ? 1000 : 10_000;
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => redis.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('Ready to accept') && resolve()));
  const redisUrl = `redis://127.0.0.1:${port}`;
  // A long keep-alive: on a starved machine a socket reused as the server closes it fails a submit
  // with an unknown outcome (correctly not retried), which is not what this benchmark measures.
  const emulator = await startEmulatorProcess({ durations: { medianMs: DURATION_MS, sigma: 0, seed: 1 }, keepAliveTimeoutMs: 120_000 });
  const admin = new Redis(redisUrl);
  try {
    // Baseline, same run: the same tasks through an in-process client at the fleet's concurrency.
    const client = createImageClient({ model: 'zai:glm-image', providers: { zai: { apiKey: 'bench', baseURL: emulator.zaiBaseURL, poll: POLL } } });
    process.stderr.write('bench: queue: in-process baseline…\n');
    const direct = await load(Math.min(jobs, 4000), WORKERS * PER_WORKER, (i) => client.generate({ prompt: `direct task ${i}` }));

    const queueName = 'bench';
    const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker({ redisUrl, zaiBaseURL: emulator.zaiBaseURL, queueName, concurrency: PER_WORKER, poll: POLL })));
    let producerCommands = 0;
    const producerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const send = producerConnection.sendCommand.bind(producerConnection);
    producerConnection.sendCommand = (...args: Parameters<Redis['sendCommand']>) => (producerCommands++, send(...args));
    const queue = createImageQueue({ connection: producerConnection, name: queueName });
    const before = await serverCommands(admin);
    const workerCommandsBefore = (await Promise.all(workers.map((w) => w.count()))).reduce((a, b) => a + b, 0);
    process.stderr.write(`bench: queue: ${jobs} jobs through ${WORKERS} worker processes…\n`);
    const started = performance.now();
    await load(jobs, 100, (i) => queue.enqueue({ prompt: `queued task ${i}` }, { jobId: `job-${i}` }));
    const enqueueMs = performance.now() - started;
    const producerAfterEnqueue = producerCommands;
    const results = await Promise.all(Array.from({ length: jobs }, (_, i) => queue.waitForResult(`job-${i}`, { timeoutMs: 600_000 })));
    if (results.some((r) => r.result.images.length !== 1)) throw new Error('bench: a queue job completed without its image');
    const wallMs = performance.now() - started;
    const after = await serverCommands(admin);
    const stopped = await Promise.all(workers.map((w) => w.stop()));
    const workerCommands = stopped.reduce((a, s) => a + s.commands, 0) - workerCommandsBefore;
    const activeMs = stopped.flatMap((s) => s.activeMs);
    const addedMs = stopped.flatMap((s) => s.addedMs);
    await queue.close();
    const counters = await emulator.counters();

    const directP99 = percentile(direct.latencies, 99);
    const queueP99 = percentile(activeMs, 99);
    const ideal = (WORKERS * PER_WORKER * 1000) / DURATION_MS;
    const jobsPerSecond = (jobs / wallMs) * 1000;
    const scenario = `queue: ${jobs} jobs, ${WORKERS} worker processes × ${PER_WORKER}, ${DURATION_MS} ms tasks`;
    const row = (metric: string, pictor: string, baseline: string, ratio: string, target = '', met?: boolean): Row => ({ scenario, metric, pictor, baseline, ratio, target, met });
    return [
      row('jobs/s (enqueue to last completion)', fmt(jobsPerSecond, 0), `${fmt(ideal, 0)} (slots ÷ task duration)`, fmt(jobsPerSecond / ideal), '', undefined),
      row('Redis commands sent per job (≈ round trips): workers', fmt(workerCommands / jobs, 1), '', ''),
      row('Redis commands sent per job: producer (enqueue + waitForResult; QueueEvents stream reads not counted)', fmt(producerCommands / jobs, 2), `${fmt(producerAfterEnqueue / jobs, 2)} for enqueue alone`, ''),
      row('Redis commands executed per job (server, incl. Lua-internal)', fmt((after - before) / jobs, 1), '', ''),
      row('p99 ms a job is active in a worker vs an in-process generate', fmt(queueP99, 0), fmt(directP99, 0), fmt(queueP99 / directP99), '', undefined),
      row('added latency per job, ms: active time − its own submit+wait (p50 / p99)', `${fmt(percentile(addedMs, 50), 1)} / ${fmt(percentile(addedMs, 99), 1)}`, '0', ''),
      row('submits at the provider per job (duplicates)', fmt((counters.counters['zai.submit'] ?? 0) / (jobs + direct.latencies.length), 3), '1', '', '1.000', (counters.counters['zai.submit'] ?? 0) === jobs + direct.latencies.length),
      row('enqueue rate, jobs/s (100 concurrent producers)', fmt((jobs / enqueueMs) * 1000, 0), '', ''),
    ];
  } finally {
    await emulator.close();
    admin.disconnect();
    const exited = once(redis, 'exit');
    redis.kill('SIGTERM');
    await exited;
  }
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Total commands the server executed so far (every cmdstat's calls). */
async function serverCommands(admin: Redis): Promise<number> {
  const info = await admin.info('commandstats');
  return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

interface WorkerProcess {
  count(): Promise<number>;
  stop(): Promise<{ commands: number; activeMs: number[]; addedMs: number[] }>;
}

async function startWorker(spec: object): Promise<WorkerProcess> {
  const child: ChildProcess = fork(new URL('./queue-worker.ts', import.meta.url).pathname, [JSON.stringify(spec)], {
    execArgv: ['--conditions=@pictor/source'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const reply = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        resolve(m as T);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`queue worker exited with ${code}`)));
    });
  await reply('ready');
  return {
    count: async () => {
      const answer = reply<{ commands: number }>('count');
      child.send({ type: 'count' });
      return (await answer).commands;
    },
    stop: async () => {
      const answer = reply<{ commands: number; activeMs: number[]; addedMs: number[] }>('stopped');
      child.send({ type: 'stop' });
      return answer;
    },
  };
}
