import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@pictor/testing';
import { createImageQueue } from '../src/index.ts';
import { queueName, redisUrl, zaiConfig } from './helpers.ts';
import { runCli, startCli } from './processes.ts';

let emulator: Emulator;
let dir: string;
let config: string;

beforeAll(async () => {
  emulator = await startEmulator({ durations: 50, imageSize: { width: 8, height: 8 } });
  dir = await mkdtemp(join(tmpdir(), 'pictor-queue-cli-'));
  config = join(dir, 'pictor.json');
  await writeFile(config, JSON.stringify(zaiConfig(emulator.zaiBaseURL)));
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

describe('pictor enqueue / job / worker', () => {
  it('enqueues (idempotently), shows a waiting job, runs it in a worker and shows the result', async () => {
    const name = queueName();
    const common = ['--redis', redisUrl(), '--queue', name];
    const first = await runCli(['enqueue', 'a red fox', '--job-id', 'fox-1', '--size', '1024x1024', ...common]);
    expect(first).toMatchObject({ code: 0, stdout: 'fox-1\n' });
    expect(await runCli(['enqueue', 'a red fox', '--job-id', 'fox-1', '--json', ...common])).toMatchObject({ code: 0, stdout: '{"id":"fox-1"}\n' });
    const waiting = await runCli(['job', 'fox-1', '--json', ...common]);
    expect(JSON.parse(waiting.stdout)).toMatchObject({ id: 'fox-1', state: 'waiting', data: { request: { prompt: 'a red fox', size: '1024x1024' } } });

    const worker = startCli(['worker', '--config', config, '--out', join(dir, 'out'), '--worker-id', 'cli-w', ...common]);
    await worker.line(/^worker cli-w ready on queue /);
    const done = await runCli(['job', 'fox-1', '--wait', '--timeout', '60000', ...common]);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^job fox-1: completed \(attempts 1\)\n {2}progress: \w+/);
    expect(done.stdout).toMatch(/ {2}task: zai:glm-image \d+\n {2}image: http:\/\/127\.0\.0\.1:\d+\/images\/\d+-0\.png\n {2}saved: .*zai-glm-image-\d+\.png\n$/);
    // The worker's live lines for the job, in order.
    const lines = worker.lines.filter((l) => l.startsWith('fox-1 '));
    expect(lines[0]).toBe('fox-1 started');
    expect(lines[1]).toMatch(/^fox-1 submitted zai:glm-image task \d+$/);
    expect(lines.at(-1)).toMatch(/^fox-1 completed 1 image\(s\) → .*\.png$/);
    expect(lines.some((l) => /^fox-1 (queued|running|succeeded)/.test(l))).toBe(true);

    const waited = await runCli(['enqueue', 'a blue fox', '--wait', '--json', ...common]);
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({ result: { provider: 'zai', images: [{ url: expect.any(String) }] } });

    worker.child.kill('SIGINT');
    expect(await worker.exit()).toBe(0);
    expect(worker.lines.at(-1)).toBe('worker cli-w stopping: running jobs finish first');
    expect(emulator.submitsByPrompt.get('a red fox')).toBe(1);
  });

  it('reports a failed job with exit 10 under --wait', async () => {
    const name = queueName();
    const queue = createImageQueue({ connection: redisUrl(), name });
    await queue.queue.add('generate', { request: { prompt: 'half sent' }, submit: { startedAt: '2026-01-01T00:00:00.000Z', by: 'gone' } }, { jobId: 'half' });
    await queue.close();
    const worker = startCli(['worker', '--config', config, '--redis', redisUrl(), '--queue', name]);
    await worker.line(/ready on queue/);
    const result = await runCli(['job', 'half', '--wait', '--redis', redisUrl(), '--queue', name]);
    expect(result.code).toBe(10);
    expect(result.stdout).toContain('failed: invalid_response: Job half: worker gone started a submit');
    await worker.line(/^half failed: invalid_response: /);
    worker.child.kill('SIGINT');
    await worker.exit();
  });

  it('a worker started with fleet limits stores them in Redis for the whole fleet', async () => {
    const name = queueName();
    const worker = startCli(['worker', '--config', config, '--redis', redisUrl(), '--queue', name, '--fleet-concurrency', '3', '--fleet-rps', '2.5', '--fleet-breaker']);
    await worker.line(/ready on queue/);
    const queue = createImageQueue({ connection: redisUrl(), name });
    try {
      expect(await queue.queue.getGlobalConcurrency()).toBe(3);
      // 2.5 jobs/s becomes 3 jobs per 1.2 s window (BullMQ's limiter counts whole jobs).
      expect(await queue.queue.getGlobalRateLimit()).toMatchObject({ max: 3, duration: 1200 });
    } finally {
      await queue.close();
      worker.child.kill('SIGINT');
      await worker.exit();
    }
  });

  it('explains usage errors and unknown jobs with the CLI exit codes', async () => {
    const common = ['--redis', redisUrl(), '--queue', queueName()];
    expect(await runCli(['job', 'nope', ...common])).toMatchObject({ code: 7, stderr: expect.stringContaining('not_found: No job "nope" in queue') });
    expect(await runCli(['enqueue', ...common])).toMatchObject({ code: 2, stderr: expect.stringContaining('enqueue: a prompt is required') });
    expect(await runCli(['enqueue', 'x', '--job-id', '12', ...common])).toMatchObject({ code: 2, stderr: expect.stringContaining('jobId: must not be an integer') });
    expect(await runCli(['enqueue', 'x', '--priority', 'high', ...common])).toMatchObject({ code: 2, stderr: expect.stringContaining('--priority must be a whole number, got "high"') });
    expect(await runCli(['worker', '--concurrency', '0', ...common])).toMatchObject({ code: 2, stderr: expect.stringContaining('--concurrency must be a positive whole number') });
    expect(await runCli(['worker', '--bogus', ...common])).toMatchObject({ code: 2, stderr: expect.stringContaining("worker: Unknown option '--bogus'") });
    expect(await runCli(['job', ...common])).toMatchObject({ code: 2, stderr: expect.stringContaining('job: give one job id') });
    expect(await runCli(['worker', '--fleet-rps', '0', ...common])).toMatchObject({ code: 2, stderr: expect.stringContaining('--fleet-rps must be a positive number') });
    const help = await runCli(['worker', '--help']);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('pictor worker --config pictor.json --redis redis://host:6379') });
  });
});
