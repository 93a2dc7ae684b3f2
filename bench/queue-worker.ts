/**
 * One worker process of the queue benchmark (forked by queue.ts). Counts the Redis commands its
 * BullMQ connections send, and per job the time it is active minus the time spent in the client's
 * submit + wait (what an in-process `generate` would spend too): the queue's added latency.
 */
import { Redis } from 'ioredis';
import { createImageWorker } from '@pictor/queue';
import { createImageClient, type ImageProvider } from 'pictor';

const { redisUrl, zaiBaseURL, queueName, concurrency, poll } = JSON.parse(process.argv[2] ?? '{}') as {
  redisUrl: string;
  zaiBaseURL: string;
  queueName: string;
  concurrency: number;
  poll: Record<string, number>;
};

let commands = 0;
// Every command of every connection BullMQ opens from this one (duplicates share the class).
const send = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis['sendCommand']>) {
  commands++;
  return send.apply(this, args);
};

const inner = createImageClient({ model: 'zai:glm-image', providers: { zai: { apiKey: 'bench', baseURL: zaiBaseURL, poll } } });
/** Per prompt (one per job): when the job became active, when its submit started, its client time. */
const activeAt = new Map<string, number>();
const submitAt = new Map<string, number>();
const promptOf = new Map<string, string>();
const clientMs = new Map<string, number>();
const activeMs: number[] = [];
const addedMs: number[] = [];
const client: ImageProvider = {
  ...inner,
  submit: async (request, options) => {
    submitAt.set(request.prompt, performance.now());
    const handle = await inner.submit(request, options);
    promptOf.set(handle.taskId, request.prompt);
    return handle;
  },
  wait: async (handle, options) => {
    const result = await inner.wait(handle, options);
    const prompt = promptOf.get(handle.taskId);
    if (prompt !== undefined) clientMs.set(prompt, performance.now() - (submitAt.get(prompt) as number));
    return result;
  },
};

const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
connection.on('error', () => undefined);
const worker = createImageWorker({ connection, name: queueName, client, concurrency, workerId: `bench-${process.pid}` });
worker.worker.on('active', (job) => void activeAt.set(job.data.request.prompt, performance.now()));
worker.worker.on('completed', (job) => {
  const prompt = job.data.request.prompt;
  const active = performance.now() - (activeAt.get(prompt) as number);
  activeMs.push(active);
  addedMs.push(active - (clientMs.get(prompt) ?? active));
  for (const map of [activeAt, submitAt, clientMs]) map.delete(prompt);
});
// Never outlive the benchmark that forked this process.
process.on('disconnect', () => process.exit(0));
await worker.worker.waitUntilReady();
process.send?.({ type: 'ready' });
process.on('message', (message: { type: string }) => {
  if (message.type === 'count') return void process.send?.({ type: 'count', commands });
  if (message.type !== 'stop') return;
  void worker.close().then(() => {
    process.send?.({ type: 'stopped', commands, activeMs, addedMs });
    process.disconnect();
  });
});
