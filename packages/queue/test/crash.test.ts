/**
 * The durability test: three `pictor worker` processes, 300 jobs, one worker SIGKILLed while it
 * polls. Every job completes, the provider sees exactly one submit per job, every image is saved.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@pictor/testing';
import { createImageQueue } from '../src/index.ts';
import { fastPoll, queueName, redisUrl } from './helpers.ts';
import { startCli, type CliProcess } from './processes.ts';

const JOBS = 300;
const PER_WORKER = 20;
let emulator: Emulator;
let dir: string;

beforeAll(async () => {
  // Tasks long enough that a worker with full slots is only polling for a while (see below); a
  // first read at once (the kill waits for it), then every 500 ms to keep the machine's load low.
  emulator = await startEmulator({ durations: 3000, imageSize: { width: 8, height: 8 } });
  dir = await mkdtemp(join(tmpdir(), 'pictor-crash-'));
  await writeFile(join(dir, 'pictor.json'), JSON.stringify({ model: 'zai:glm-image', providers: { zai: { apiKey: 'test-key', baseURL: emulator.zaiBaseURL, poll: { ...fastPoll, intervalMs: 500, minIntervalMs: 500, maxEtaWaitMs: 500 } } } }));
});
afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a worker process dies mid-poll', () => {
  it('300 jobs over 3 worker processes, one SIGKILLed: all complete, 0 duplicate submits, no image lost', async () => {
    const name = queueName();
    const out = join(dir, 'images');
    const workers: CliProcess[] = ['w0', 'w1', 'w2'].map((id) =>
      startCli(['worker', '--config', join(dir, 'pictor.json'), '--redis', redisUrl(), '--queue', name, '--concurrency', String(PER_WORKER), '--out', out, '--lock-duration', '3000', '--stalled-interval', '1000', '--worker-id', id]),
    );
    const queue = createImageQueue({ connection: redisUrl(), name });
    try {
      await Promise.all(workers.map((w) => w.line(/^worker \S+ ready/)));
      const victim = workers[0] as CliProcess;
      // A job whose first status line is printed has its handle stored (the handle is written before
      // the first status read). Once all of the victim's slots are polling it takes no new job until
      // a task ends (3 s after its submit): killing it then leaves no submit in flight, so no job
      // can be in the documented "submit sent, handle not stored" window.
      const polling = new Set<string>();
      const allPolling = new Promise<void>((resolve) =>
        victim.onLine((line) => {
          const match = /^(\S+) (queued|running) /.exec(line);
          if (match) polling.add(match[1] as string);
          if (polling.size >= PER_WORKER) resolve();
        }),
      );
      const ids = await Promise.all(Array.from({ length: JOBS }, (_, i) => queue.enqueue({ prompt: `crash job ${i}` }, { jobId: `crash-${i}` }).then((j) => j.id)));
      await allPolling;
      victim.child.kill('SIGKILL');
      expect(await victim.exit()).toBeNull();
      const orphaned = [...polling];

      const results = await Promise.all(ids.map((id) => queue.waitForResult(id, { timeoutMs: 150_000 })));

      // Every job completed with its image, saved to disk.
      expect(results).toHaveLength(JOBS);
      for (const { result, saved } of results) {
        expect(result.images).toHaveLength(1);
        expect(saved).toEqual([expect.objectContaining({ path: join(out, `zai-glm-image-${result.taskId}.png`) })]);
        expect(existsSync((saved as { path: string }[])[0]!.path)).toBe(true);
      }
      expect(new Set(results.map((r) => r.result.taskId)).size).toBe(JOBS);
      expect((await readdir(out)).length).toBe(JOBS);
      // Exactly one submit per job: the orphaned jobs were resumed from their handles.
      expect(emulator.counters['zai.submit']).toBe(JOBS);
      expect(emulator.tasks.size).toBe(JOBS);
      expect([...emulator.submitsByPrompt.values()].every((count) => count === 1)).toBe(true);
      const resumed = workers.slice(1).flatMap((w) => w.lines.filter((l) => / resumed task /.test(l)).map((l) => l.split(' ')[0]));
      // Every job the victim held was resumed by a survivor (a starved survivor whose lock lapsed
      // may add more resumes: harmless, they never submit).
      expect(orphaned).toHaveLength(PER_WORKER);
      expect(resumed).toEqual(expect.arrayContaining(orphaned));
    } finally {
      for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGINT');
      await Promise.all(workers.map((w) => w.exit()));
      await queue.close();
    }
  });
});
