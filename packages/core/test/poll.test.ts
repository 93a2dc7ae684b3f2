import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DurationSketch, POLL_PRESETS, PictorError, type PollOptions, type TaskStatus } from '../src/index.ts';
import { planDelays, pollUntilDone, readPlanSettings } from '../src/poll.ts';
import { firstReadAt } from '../src/read-plan.ts';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

/** The learned plan's first read for a fresh 10-s model's sketch (the prior alone). */
const firstRead = (options: PollOptions = {}) => firstReadAt(new DurationSketch(10_000), readPlanSettings(options, 10_000));

const deadline = (reads: number, ms: number) => new PictorError({ kind: 'timeout', message: `deadline after ${reads} reads (${ms})` });

function scripted(statuses: TaskStatus[]) {
  const times: number[] = [];
  const start = Date.now();
  const read = vi.fn(async () => {
    times.push(Date.now() - start);
    return statuses[Math.min(times.length - 1, statuses.length - 1)] as TaskStatus;
  });
  return { read, times };
}

describe('planDelays', () => {
  it('derives the first wait and interval from the typical duration, within bounds', () => {
    const plan = planDelays(20_000);
    expect(plan.first).toBe(15_000);
    expect(plan.next(1)).toBe(1000);
    expect(plan.next(2)).toBe(1050);
    const steady = planDelays(20_000, { firstDelayRatio: 0.7, intervalRatio: 0.0175, factor: 1 });
    expect([steady.first, steady.next(1), steady.next(9)].map(Math.round)).toEqual([14_000, 350, 350]);
    // A server at another pace (the emulator) overrides the model's typical duration.
    expect(planDelays(20_000, { typicalDurationMs: 400 }).first).toBe(300);
    expect(plan.next(50)).toBe(10_000);
    expect(plan.fromEta(3000)).toBe(3050);
    expect(plan.fromEta(1)).toBe(200);
    expect(plan.fromEta(15_000)).toBe(15_050);
    expect(plan.fromEta(3_600_000)).toBe(120_000);
    expect(planDelays(100, { firstDelayMs: 0, intervalMs: 5, minIntervalMs: 50 }).next(1)).toBe(50);
  });
});

describe('pollUntilDone', () => {
  it('waits for the first delay, then backs off until done', async () => {
    const { read, times } = scripted([{ state: 'running' }, { state: 'running' }, { state: 'succeeded' }]);
    const done = pollUntilDone({ read, typicalDurationMs: 10_000, options: { factor: 1.25 }, onDeadline: deadline, random: () => 0.5 });
    await vi.advanceTimersByTimeAsync(7499);
    expect(read).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(done).resolves.toMatchObject({ reads: 3, status: { state: 'succeeded' } });
    expect(times).toEqual([7500, 8000, 8625]);
  });

  it('times the next read to the provider eta', async () => {
    const { read, times } = scripted([{ state: 'running', etaMs: 4000, progress: 20 }, { state: 'succeeded' }]);
    const seen: number[] = [];
    const done = pollUntilDone({
      read,
      typicalDurationMs: 1000,
      options: { firstDelayMs: 100 },
      onDeadline: deadline,
      random: () => 0.5,
      onStatus: (status) => seen.push(status.progress ?? -1),
    });
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(done).resolves.toMatchObject({ reads: 2 });
    expect(times).toEqual([100, 4150]);
    expect(seen).toEqual([20, -1]);
  });

  it('counts time already elapsed since submission (resume)', async () => {
    const { read, times } = scripted([{ state: 'succeeded' }]);
    const done = pollUntilDone({ read, typicalDurationMs: 10_000, elapsedMs: 60_000, onDeadline: deadline, random: () => 0.5 });
    await vi.advanceTimersByTimeAsync(0);
    await expect(done).resolves.toMatchObject({ reads: 1 });
    expect(times).toEqual([0]);
  });

  it('counts the learned cadence from when a read was sent, so a slow answer does not stretch it', async () => {
    const sent: number[] = [];
    const start = Date.now();
    const read = vi.fn(async (): Promise<TaskStatus> => {
      sent.push(Date.now() - start);
      await new Promise((r) => setTimeout(r, 400));
      return sent.length < 3 ? { state: 'running' } : { state: 'succeeded' };
    });
    const done = pollUntilDone({ read, typicalDurationMs: 10_000, options: { jitter: 0, targetP50Ms: 1000, targetP90Ms: 1000 }, onDeadline: deadline });
    await vi.advanceTimersByTimeAsync(30_000);
    await expect(done).resolves.toMatchObject({ reads: 3 });
    expect([sent[1]! - sent[0]!, sent[2]! - sent[1]!]).toEqual([1000, 1000]);
  });

  it('applies jitter within its bounds', async () => {
    const { read, times } = scripted([{ state: 'succeeded' }]);
    const done = pollUntilDone({ read, typicalDurationMs: 10_000, options: { jitter: 0.1 }, onDeadline: deadline, random: () => 1 });
    await vi.advanceTimersByTimeAsync(10_000);
    await done;
    // The learned plan's first read (planned on the prior), 5% late: the learned plan spreads its
    // first read over a width of `jitter` x the delay, centred on it.
    expect(times).toEqual([Math.round(1.05 * firstRead())]);
  });

  it('centres the learned first read\'s jitter on the planned time', async () => {
    for (const [random, factor] of [[0, 0.75], [0.5, 1], [1, 1.25]] as const) {
      const { read, times } = scripted([{ state: 'succeeded' }]);
      const done = pollUntilDone({ read, typicalDurationMs: 10_000, options: { jitter: 0.5 }, onDeadline: deadline, random: () => random });
      await vi.advanceTimersByTimeAsync(10_000);
      await done;
      expect(times).toEqual([Math.round(factor * firstRead({ jitter: 0.5 }))]);
    }
  });

  it('jitters only the learned plan\'s first read: later gaps keep their planned size', async () => {
    const { read, times } = scripted([{ state: 'running' }, { state: 'running' }, { state: 'succeeded' }]);
    const options = { jitter: 0.5, targetP50Ms: 1000, targetP90Ms: 1000 };
    const done = pollUntilDone({ read, typicalDurationMs: 10_000, options, onDeadline: deadline, random: () => 1 });
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(done).resolves.toMatchObject({ reads: 3 });
    expect(times[0]).toBe(Math.round(1.25 * firstRead(options)));
    expect([(times[1] as number) - (times[0] as number), (times[2] as number) - (times[1] as number)]).toEqual([1000, 1000]);
  });

  it('wakes the learned plan early by the lateness its own sleeps showed', async () => {
    const { read, times } = scripted([{ state: 'running' }, { state: 'running' }, { state: 'succeeded' }]);
    const options = { jitter: 0, targetP50Ms: 1000, targetP90Ms: 1000 };
    const first = Math.round(firstRead(options));
    // A busy event loop: the clock jumps 40 ms while the first sleep is still pending.
    setTimeout(() => vi.setSystemTime(Date.now() + 40), first - 1);
    const done = pollUntilDone({ read, typicalDurationMs: 10_000, options, onDeadline: deadline });
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(done).resolves.toMatchObject({ reads: 3 });
    const at = times;
    expect(at[0]).toBe(first + 40);
    // Planned 1000 ms after the (late) first read; half the measured 40 ms lateness is taken off.
    expect((at[1] as number) - (at[0] as number)).toBe(980);
    expect((at[2] as number) - (at[1] as number)).toBe(990);
  });

  it('stops at the total deadline with one last read', async () => {
    const { read, times } = scripted([{ state: 'running' }]);
    const done = pollUntilDone({ read, typicalDurationMs: 1000, options: { timeoutMs: 3000 }, onDeadline: deadline, random: () => 0.5 });
    const outcome = expect(done).rejects.toMatchObject({ kind: 'timeout' });
    await vi.advanceTimersByTimeAsync(5000);
    await outcome;
    expect(times.at(-1)).toBe(3000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an abort interrupts the sleep itself', async () => {
    const { read } = scripted([{ state: 'running' }]);
    const controller = new AbortController();
    const done = pollUntilDone({ read, typicalDurationMs: 60_000, signal: controller.signal, onDeadline: deadline });
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    await expect(done).rejects.toMatchObject({ kind: 'aborted' });
    expect(read).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('returns failed statuses to the caller', async () => {
    const error = new PictorError({ kind: 'task_failed', message: 'bad' });
    const { read } = scripted([{ state: 'queued' }, { state: 'failed', error }]);
    const done = pollUntilDone({ read, typicalDurationMs: 100, onDeadline: deadline });
    await vi.advanceTimersByTimeAsync(5000);
    await expect(done).resolves.toMatchObject({ status: { state: 'failed', error } });
  });
});

describe('pollUntilDone on hostile settings and resumed handles', () => {
  it('zero intervals and an adapter that answers at once still yield to the event loop between reads', async () => {
    const { read } = scripted([{ state: 'running' }]);
    // A fixed plan with no delay at all: the first read comes at once, every later one after a timer tick.
    const options = { firstDelayMs: 0, intervalMs: 0, minIntervalMs: 0, jitter: 0, timeoutMs: 50 };
    const outcome = pollUntilDone({ read, typicalDurationMs: 1000, options, onDeadline: deadline }).catch((e: unknown) => e);
    // Microtasks alone (no timer advanced): at most the first read, never a spin of reads.
    for (let i = 0; i < 200; i++) await Promise.resolve();
    expect(read.mock.calls.length).toBeLessThanOrEqual(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(read.mock.calls.length).toBeGreaterThan(1);
    expect(read.mock.calls.length).toBeLessThanOrEqual(12);
    await vi.advanceTimersByTimeAsync(100);
    await expect(outcome).resolves.toMatchObject({ kind: 'timeout' });
  });

  it('a handle resumed hours late and done at its first read teaches the shared sketch nothing', async () => {
    const sketch = new DurationSketch(20_000);
    const before = sketch.revision;
    const { read } = scripted([{ state: 'succeeded', output: { images: [] } } as unknown as TaskStatus]);
    await pollUntilDone({ read, typicalDurationMs: 20_000, elapsedMs: 3 * 3_600_000, durations: sketch, onDeadline: deadline });
    expect(read).toHaveBeenCalledTimes(1);
    expect(sketch.revision).toBe(before);
    // A task polled from its submission and done at the first read is learned from.
    const fresh = pollUntilDone({ read, typicalDurationMs: 20_000, durations: sketch, onDeadline: deadline });
    await vi.runAllTimersAsync();
    await fresh;
    expect(sketch.revision).toBeGreaterThan(before);
  });
});

