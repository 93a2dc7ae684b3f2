/**
 * The emulator's provider-side concurrency limit: Z.AI refuses a submit with business code 1302
 * (HTTP 429) while too many of the account's tasks are running. A task runs from its acceptance
 * until its duration has elapsed, whether or not anybody polls it.
 */
export interface ConcurrencyGate {
  /** Whether a new task may start now; records a refusal when not. */
  admit(now: number): boolean;
  /** Records a task accepted at `acceptedAt` running for `durationMs`. */
  started(acceptedAt: number, durationMs: number): void;
  /** The most tasks seen running at once. */
  readonly maxObserved: number;
  /** Submits refused with 1302. */
  readonly refused: number;
  reset(): void;
}

export function createConcurrencyGate(max: number | undefined): ConcurrencyGate {
  /** End times of tasks that may still be running. */
  let ends: number[] = [];
  let maxObserved = 0;
  let refused = 0;
  const running = (now: number) => {
    ends = ends.filter((end) => end > now);
    return ends.length;
  };
  return {
    admit(now) {
      if (max === undefined || running(now) < max) return true;
      refused++;
      return false;
    },
    started(acceptedAt, durationMs) {
      ends.push(acceptedAt + durationMs);
      maxObserved = Math.max(maxObserved, running(acceptedAt));
    },
    get maxObserved() {
      return maxObserved;
    },
    get refused() {
      return refused;
    },
    reset() {
      ends = [];
      maxObserved = 0;
      refused = 0;
    },
  };
}
