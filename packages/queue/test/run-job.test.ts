/**
 * runImageJob with a job whose Redis writes fail: a paid task's handle is never silently lost.
 * A fake job object stands in for BullMQ's (no Redis needed); fake timers drive the write retries.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMock } from 'pictor';
import { runImageJob } from '../src/run-job.ts';
import type { ImageJob } from '../src/queue.ts';

afterEach(() => void vi.useRealTimers());

function fakeJob(failWhen: (data: Record<string, unknown>) => boolean) {
  const writes: Record<string, unknown>[] = [];
  const job = {
    id: 'job-1',
    data: { request: { prompt: 'a fox', model: 'glm-image' } },
    updateData: async (data: Record<string, unknown>) => {
      writes.push(data);
      if (failWhen(data)) throw new Error('Connection is closed.');
    },
    updateProgress: async () => undefined,
  };
  return { job: job as unknown as ImageJob, writes };
}

describe('runImageJob when Redis fails after the submit', () => {
  it('tries the handle write again and, if it never lands, fails for good with the handle in the message', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const mock = createMock({ durationMs: 5 });
    const { job, writes } = fakeJob((data) => data.handle !== undefined);
    const run = runImageJob(job, { client: mock, workerId: 'w1', keepRaw: false }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    await vi.runAllTimersAsync();
    const error = await run;
    expect(error?.name).toBe('UnrecoverableError');
    const taskId = mock.calls.find((c) => c.method === 'submitAsync')?.taskId;
    expect(taskId).toBeDefined();
    expect(error?.message).toContain('do not submit again');
    expect(error?.message).toContain(`"taskId":${JSON.stringify(taskId)}`);
    // One mark write, then four attempts at the handle; exactly one submit.
    expect(writes.filter((w) => w.handle !== undefined)).toHaveLength(4);
    expect(mock.calls.filter((c) => c.method !== 'readStatus')).toHaveLength(1);
  });

  it('a write that fails once then lands lets the job finish normally', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const mock = createMock({ durationMs: 5 });
    let failures = 0;
    const { job } = fakeJob((data) => data.handle !== undefined && failures++ === 0);
    const run = runImageJob(job, { client: mock, workerId: 'w1', keepRaw: false, waitOptions: { poll: { firstDelayMs: 0, intervalMs: 1 } } }).then(
      (value) => value,
      (error: unknown) => error as Error,
    );
    await vi.runAllTimersAsync();
    const outcome = await run;
    expect(outcome).not.toBeInstanceOf(Error);
    expect((outcome as unknown as { result: { images: unknown[] } }).result.images).toHaveLength(1);
    expect(failures).toBe(2);
  });
});
