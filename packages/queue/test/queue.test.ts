import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startEmulator, type Emulator } from '@pictor/testing';
import { createImageClient, type ImageClient, type ImageProvider, type TaskHandle } from 'pictor';
import { createImageQueue, createImageWorker, type ImageQueue, type ImageWorker } from '../src/index.ts';
import { createFleetBreaker } from '../src/fleet-breaker.ts';
import { queueName, redisUrl, zaiConfig } from './helpers.ts';

let emulator: Emulator;
let name: string;
const opened: { close(): Promise<void> }[] = [];
const track = <T extends { close(): Promise<void> }>(thing: T): T => (opened.push(thing), thing);

beforeAll(async () => {
  emulator = await startEmulator({ durations: 60, imageSize: { width: 8, height: 8 } });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  emulator.setFaults([]);
  name = queueName();
});
afterEach(async () => {
  // Workers first (they hold jobs), then the queues.
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

const newQueue = (extra: Partial<Parameters<typeof createImageQueue>[0]> = {}): ImageQueue => track(createImageQueue({ connection: redisUrl(), name, ...extra }));
const newWorker = (extra: Partial<Parameters<typeof createImageWorker>[0]> = {}): ImageWorker =>
  track(createImageWorker({ connection: redisUrl(), name, config: zaiConfig(emulator.zaiBaseURL), concurrency: 4, ...extra }));

describe('createImageQueue + createImageWorker', () => {
  it('runs a job: handle stored before the first status read, progress reported, result stored', async () => {
    const queue = newQueue();
    const client = createImageClient(zaiConfig(emulator.zaiBaseURL));
    const storedAtWait: (TaskHandle | undefined)[] = [];
    // A client whose wait first looks at what the job holds in Redis.
    const spy: ImageProvider = {
      ...client,
      wait: async (handle, options) => {
        storedAtWait.push((await queue.getJob('job-1'))?.data.handle);
        return client.wait(handle, options);
      },
    };
    const progress: unknown[] = [];
    const worker = newWorker({ client: spy });
    worker.worker.on('progress', (_job, value) => void progress.push(value));
    const { id } = await queue.enqueue({ prompt: 'a lighthouse' }, { jobId: 'job-1' });
    expect(id).toBe('job-1');
    const { result } = await queue.waitForResult(id, { timeoutMs: 60_000 });
    expect(result).toMatchObject({ provider: 'zai', model: 'glm-image', images: [{ url: expect.stringContaining('/images/') }] });
    expect(result.raw).toBeUndefined();
    expect(storedAtWait).toHaveLength(1);
    expect(storedAtWait[0]).toMatchObject({ provider: 'zai', taskId: result.taskId });
    expect(emulator.tasks.get(result.taskId as string)?.statusReads).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ state: expect.stringMatching(/queued|running|succeeded/), taskId: result.taskId });
    const info = await queue.getJob(id);
    expect(info).toMatchObject({ id, state: 'completed', data: { request: { prompt: 'a lighthouse' }, handle: { taskId: result.taskId } }, returnvalue: { result: { taskId: result.taskId } } });
    expect(await queue.getJob('no-such-job')).toBeUndefined();
  });

  it('the same idempotency key enqueued twice is one job and one submit', async () => {
    const queue = newQueue();
    const first = await queue.enqueue({ prompt: 'once only' }, { idempotencyKey: 'order-42' });
    const second = await queue.enqueue({ prompt: 'once only' }, { idempotencyKey: 'order-42', priority: 1 });
    expect(second.id).toBe(first.id);
    newWorker();
    await queue.waitForResult(first.id, { timeoutMs: 60_000 });
    const third = await queue.enqueue({ prompt: 'once only' }, { jobId: 'order-42' });
    expect(third.id).toBe(first.id);
    expect(await queue.queue.getJobCounts('completed', 'wait', 'active', 'delayed', 'prioritized')).toEqual({ completed: 1, wait: 0, active: 0, delayed: 0, prioritized: 0 });
    expect(emulator.counters['zai.submit']).toBe(1);
    expect(emulator.submitsByPrompt.get('once only')).toBe(1);
  });

  it('resumes a job that already holds a handle with wait, without submitting', async () => {
    const queue = newQueue();
    const client: ImageClient = createImageClient(zaiConfig(emulator.zaiBaseURL));
    const handle = await client.submit({ prompt: 'submitted elsewhere' });
    // As a worker that died after storing the handle leaves it.
    await queue.queue.add('generate', { request: { prompt: 'submitted elsewhere' }, submit: { startedAt: new Date().toISOString(), by: 'dead-worker' }, handle }, { jobId: 'resumed' });
    newWorker();
    const { result } = await queue.waitForResult('resumed', { timeoutMs: 60_000 });
    expect(result.taskId).toBe(handle.taskId);
    expect(emulator.counters['zai.submit']).toBe(1);
  });

  it('fails a job whose submit was started but whose handle was never stored, without submitting', async () => {
    const queue = newQueue();
    await queue.queue.add('generate', { request: { prompt: 'lost in flight' }, submit: { startedAt: '2026-01-01T00:00:00.000Z', by: 'host:123' } }, { jobId: 'unknown-outcome' });
    newWorker();
    await expect(queue.waitForResult('unknown-outcome', { timeoutMs: 60_000 })).rejects.toMatchObject({
      kind: 'task_failed',
      message: expect.stringContaining('worker host:123 started a submit at 2026-01-01T00:00:00.000Z but stopped before storing the task handle'),
    });
    expect(emulator.counters['zai.submit']).toBeUndefined();
    expect(await queue.getJob('unknown-outcome')).toMatchObject({ state: 'failed', attemptsMade: 1 });
  });

  it('a submit refused outright clears the submit mark and records the error; a retry then submits', async () => {
    emulator.setFaults([{ endpoint: 'submit', type: 'http', status: 429, code: '1302', times: 1 }]);
    const queue = newQueue();
    newWorker();
    const { id } = await queue.enqueue({ prompt: 'refused once' }, { attempts: 2 });
    const { result } = await queue.waitForResult(id, { timeoutMs: 60_000 });
    expect(result.images).toHaveLength(1);
    expect(emulator.submitsByPrompt.get('refused once')).toBe(2);
    expect(emulator.tasks.size).toBe(1);
    expect((await queue.getJob(id))?.data.error).toMatchObject({ kind: 'rate_limited', attempts: [{ providerCode: '1302' }] });
  });

  it('an ambiguous submit (HTTP 500 after accepting) fails the job and is not retried', async () => {
    emulator.setFaults([{ endpoint: 'submit', type: 'http', status: 500, times: 1 }]);
    const queue = newQueue();
    newWorker();
    const { id } = await queue.enqueue({ prompt: 'maybe accepted' }, { attempts: 3 });
    await expect(queue.waitForResult(id, { timeoutMs: 60_000 })).rejects.toMatchObject({ kind: 'task_failed' });
    const info = await queue.getJob(id);
    expect(info).toMatchObject({ state: 'failed', attemptsMade: 1, data: { submit: { by: expect.any(String) }, error: { submitOutcome: 'unknown' } } });
    expect(info?.data.handle).toBeUndefined();
    expect(emulator.submitsByPrompt.get('maybe accepted')).toBe(1);
  });

  it('a task that fails at the provider fails the job, keeping its handle', async () => {
    emulator.setFaults([{ endpoint: 'submit', type: 'task_failed', code: 'nsfw', times: 1 }]);
    const queue = newQueue();
    newWorker();
    const { id } = await queue.enqueue({ prompt: 'fails later' }, { attempts: 3 });
    await expect(queue.waitForResult(id, { timeoutMs: 60_000 })).rejects.toMatchObject({ message: expect.stringContaining('task_failed') });
    const info = await queue.getJob(id);
    expect(info?.data.handle?.taskId).toBeDefined();
    expect(info?.failedReason).toMatch(/^task_failed: /);
    expect(emulator.counters['zai.submit']).toBe(1);
  });

  it('saves images to a directory, or hands results to a sink', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pictor-queue-'));
    try {
      const queue = newQueue();
      newWorker({ saveTo: dir });
      const { id } = await queue.enqueue({ prompt: 'saved to disk' });
      const { saved, result } = await queue.waitForResult(id, { timeoutMs: 60_000 });
      expect(saved).toEqual([{ path: join(dir, `zai-glm-image-${result.taskId}.png`), bytes: expect.any(Number), mediaType: 'image/png' }]);
      expect(await readdir(dir)).toEqual([`zai-glm-image-${result.taskId}.png`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const sinkQueue = newQueue({ name: `${name}-sink` });
    const seen: string[] = [];
    newWorker({ name: `${name}-sink`, keepRaw: true, sink: (result, job) => (seen.push(job.id), { uploaded: result.images.length }) });
    const { id } = await sinkQueue.enqueue({ prompt: 'to the sink' }, { jobId: 'sunk' });
    const stored = await sinkQueue.waitForResult(id, { timeoutMs: 60_000 });
    expect(stored.saved).toEqual({ uploaded: 1 });
    expect(stored.result.raw).toBeDefined();
    expect(seen).toEqual(['sunk']);
  });

  it('runs higher priority first and honours a delay', async () => {
    const queue = newQueue();
    await queue.enqueue({ prompt: 'low' }, { jobId: 'low', priority: 10 });
    await queue.enqueue({ prompt: 'high' }, { jobId: 'high', priority: 1 });
    await queue.enqueue({ prompt: 'later' }, { jobId: 'later', delay: 60_000 });
    const order: string[] = [];
    const worker = newWorker({ concurrency: 1 });
    // The worker's own 'completed' event, not only QueueEvents (which may report 'low' first under load).
    const lowDone = new Promise<void>((resolve) =>
      worker.worker.on('completed', (job) => {
        order.push(job.id as string);
        if (job.id === 'low') resolve();
      }),
    );
    await queue.waitForResult('low', { timeoutMs: 60_000 });
    await lowDone;
    expect(order).toEqual(['high', 'low']);
    expect((await queue.getJob('later'))?.state).toBe('delayed');
  });

  it('a job-level timeout while waiting for a result says so', async () => {
    const queue = newQueue();
    const { id } = await queue.enqueue({ prompt: 'nobody works' });
    await expect(queue.waitForResult(id, { timeoutMs: 50 })).rejects.toMatchObject({ kind: 'timeout', message: expect.stringContaining('did not finish within 50 ms') });
    await expect(queue.waitForResult('missing')).rejects.toMatchObject({ kind: 'not_found' });
    await expect(queue.waitForResult(id, { timeoutMs: -1 })).rejects.toThrow(/timeoutMs/);
  });
});

describe('input validation', () => {
  it('rejects bad enqueue options and requests with clear errors', async () => {
    const queue = newQueue({ config: zaiConfig('http://127.0.0.1:1') });
    await expect(queue.enqueue({ prompt: 'x' }, { jobId: '123' })).rejects.toThrow(/jobId: must not be an integer/);
    await expect(queue.enqueue({ prompt: 'x' }, { jobId: 'a:b' })).rejects.toThrow(/jobId: must not contain ":"/);
    await expect(queue.enqueue({ prompt: 'x' }, { jobId: 'a', idempotencyKey: 'b' })).rejects.toThrow(/give one, or the same value/);
    await expect(queue.enqueue({ prompt: 'x' }, { priority: 1.5 })).rejects.toThrow(/priority/);
    await expect(queue.enqueue({ prompt: '' })).rejects.toMatchObject({ kind: 'invalid_request' });
    await expect(queue.enqueue({ prompt: 'x', model: 'zai:dall-e' })).rejects.toThrow(/Unknown model "zai:dall-e"; the client knows: zai:glm-image/);
    expect(await queue.queue.count()).toBe(0);
  });

  it('rejects bad queue and worker options', () => {
    expect(() => createImageQueue({ connection: 'http://localhost:6379' })).toThrow(/connection/);
    expect(() => createImageQueue({ connection: redisUrl(), name: 'a:b' })).toThrow(/name: must not contain ":"/);
    expect(() => createImageQueue({ connection: redisUrl(), fleet: { concurrency: 0 } })).toThrow(/fleet\.concurrency/);
    expect(() => createImageWorker({ connection: redisUrl() })).toThrow(/give a client or a config/);
    expect(() => createImageWorker({ connection: redisUrl(), config: zaiConfig('http://127.0.0.1:1'), concurrency: 0 })).toThrow(/concurrency/);
    expect(() => createImageWorker({ connection: redisUrl(), client: {} as never })).toThrow(/must be an image client/);
  });
});

describe('fleet-wide limits', () => {
  it('three workers under a fleet concurrency of 3 never exceed it at the provider (0 × 1302)', async () => {
    const limited = await startEmulator({ durations: 40, maxConcurrentTasks: 3, imageSize: { width: 8, height: 8 } });
    try {
      const queue = newQueue({ fleet: { concurrency: 3 } });
      for (let i = 0; i < 3; i++) newWorker({ config: zaiConfig(limited.zaiBaseURL), concurrency: 5, workerId: `w${i}` });
      const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => queue.enqueue({ prompt: `fleet ${i}` }).then((j) => j.id)));
      const results = await Promise.all(ids.map((id) => queue.waitForResult(id, { timeoutMs: 120_000 })));
      expect(results.every((r) => r.result.images.length === 1)).toBe(true);
      expect(limited.concurrency.refused).toBe(0);
      expect(limited.concurrency.maxObserved).toBeLessThanOrEqual(3);
      expect(limited.counters['zai.submit']).toBe(30);
    } finally {
      await limited.close();
    }
  });
});

describe('fleet breaker', () => {
  it('a 1302 with Retry-After pauses the whole queue and requeues the job without using an attempt', async () => {
    emulator.setFaults([{ endpoint: 'submit', type: 'http', status: 429, code: '1302', retryAfterSeconds: 1, times: 1 }]);
    const queue = newQueue();
    const worker = newWorker({ fleetBreaker: {} });
    const pause = vi.spyOn(worker.worker, 'rateLimit');
    const { id } = await queue.enqueue({ prompt: 'slow down' }, { attempts: 1 });
    const { result } = await queue.waitForResult(id, { timeoutMs: 60_000 });
    expect(result.images).toHaveLength(1);
    expect(pause).toHaveBeenCalledExactlyOnceWith(1000);
    expect(emulator.submitsByPrompt.get('slow down')).toBe(2);
    expect(emulator.tasks.size).toBe(1);
  });

  it('consecutive availability failures pause the fleet; fewer fail the job as usual', async () => {
    emulator.setFaults([{ endpoint: 'submit', type: 'http', status: 503, code: '1234', times: 2 }]);
    const queue = newQueue();
    const worker = newWorker({ concurrency: 1, fleetBreaker: { failureThreshold: 2, cooldownMs: 200 } });
    const pause = vi.spyOn(worker.worker, 'rateLimit');
    const first = await queue.enqueue({ prompt: 'first refused' }, { jobId: 'first' });
    await expect(queue.waitForResult(first.id, { timeoutMs: 60_000 })).rejects.toMatchObject({ message: expect.stringContaining('provider_unavailable') });
    expect(pause).not.toHaveBeenCalled();
    const second = await queue.enqueue({ prompt: 'second refused, then served' }, { jobId: 'second' });
    await expect(queue.waitForResult(second.id, { timeoutMs: 60_000 })).resolves.toMatchObject({ result: { provider: 'zai' } });
    expect(pause).toHaveBeenCalledExactlyOnceWith(200);
    expect(emulator.submitsByPrompt.get('second refused, then served')).toBe(2);
  });

  it('counts only availability failures, and a success resets the count', () => {
    const breaker = createFleetBreaker({ failureThreshold: 2, cooldownMs: 50 });
    const error = (kind: string, retryAfterMs?: number) => ({ kind, retryAfterMs }) as never;
    expect(breaker.pauseFor(error('invalid_request'))).toBe(0);
    expect(breaker.pauseFor(error('network'))).toBe(0);
    breaker.recordSuccess();
    expect(breaker.pauseFor(error('timeout'))).toBe(0);
    expect(breaker.pauseFor(error('provider_unavailable'))).toBe(50);
    expect(breaker.pauseFor(error('rate_limited', 700))).toBe(700);
    expect(() => createFleetBreaker({ cooldownMs: 0 })).toThrow();
  });
});
