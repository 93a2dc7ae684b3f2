import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { ClientConfig } from 'pictor';

export const redisUrl = () => inject('redisUrl');

/** A fresh queue name per test, so tests never see each other's jobs. */
export const queueName = () => `t-${randomUUID().slice(0, 8)}`;

/** Polling scaled to the emulator's short tasks. */
export const fastPoll = { firstDelayMs: 5, intervalMs: 10, minIntervalMs: 5, maxEtaWaitMs: 10 };

export const zaiConfig = (baseURL: string, extra: Partial<ClientConfig> = {}): ClientConfig => ({
  model: 'zai:glm-image',
  providers: { zai: { apiKey: 'test-key', baseURL, poll: fastPoll, retry: { submit: { retries: 0 } } } },
  ...extra,
});

/** Resolves when `check` holds, re-checking on each event of `emitter`-like callbacks; bounded by `deadlineMs`. */
export async function until(check: () => boolean | Promise<boolean>, describe: () => string, deadlineMs = 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Deadline of ${deadlineMs} ms passed: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
