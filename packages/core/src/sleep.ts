/**
 * A sleep that an AbortSignal interrupts at once (not at the next request): a
 * user who cancels a 20-second wait gets control back immediately.
 */
import { abortedError } from './errors.ts';

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortedError(signal));
  if (ms <= 0) return Promise.resolve();
  // Without a signal there is nothing to listen to: the timer resolves the promise itself, so a
  // sleeping task holds no closure of its own (thousands of waits sleep at once: bench/scale).
  if (!signal) return new Promise((resolve) => void setTimeout(resolve, ms));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
