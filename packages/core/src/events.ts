/**
 * One lifecycle event stream per call. Events are plain data so they can feed
 * logs, progress bars or OpenTelemetry spans without Pictor depending on any of them.
 */
import type { PictorError } from './errors.ts';
import type { ImageResult, TaskHandle, TaskState } from './types.ts';

interface EventBase {
  /** ISO time the event happened. */
  readonly at: string;
  readonly provider: string;
  readonly model: string;
}

export type PictorEvent =
  | (EventBase & { readonly type: 'submitted'; readonly handle: TaskHandle })
  | (EventBase & {
      readonly type: 'status';
      readonly taskId: string;
      readonly state: TaskState;
      readonly progress?: number | undefined;
      readonly etaMs?: number | undefined;
      /** Status reads made so far for this task in this call. */
      readonly statusRequests: number;
      /** How long this read took in ms, retries included (tracers time each read with it). Optional for hand-built events. */
      readonly durationMs?: number | undefined;
    })
  | (EventBase & {
      readonly type: 'retry';
      readonly stage: 'submit' | 'status';
      readonly attempt: number;
      readonly delayMs: number;
      /** How long the failed attempt took, in ms. Optional for hand-built events. */
      readonly durationMs?: number | undefined;
      readonly error: PictorError;
    })
  | (EventBase & {
      readonly type: 'failover';
      /** 'provider:model' of the candidate that failed or was skipped. */
      readonly from: string;
      /** 'provider:model' of the next candidate, if any. */
      readonly to: string | undefined;
      readonly reason: string;
      readonly error?: PictorError | undefined;
    })
  | (EventBase & {
      /** A call waits for a client-side limit (see limits.ts) before its submit. */
      readonly type: 'limited';
      /** The limit's key: 'provider' or 'provider:model'. */
      readonly key: string;
      readonly reason: 'concurrency' | 'rps';
      /** Place in the queue for a concurrency slot (1 = next). */
      readonly position?: number | undefined;
      /** Wait for the rate limit, in ms. */
      readonly delayMs?: number | undefined;
    })
  | (EventBase & { readonly type: 'completed'; readonly result: ImageResult })
  | (EventBase & { readonly type: 'failed'; readonly error: PictorError });

export type PictorEventType = PictorEvent['type'];

export type PictorEventListener = (event: PictorEvent) => void;

type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;
export type PictorEventInit = DistributiveOmit<PictorEvent, 'at'>;

/**
 * Delivers an event. A listener that throws must not break a paid generation,
 * so its error is swallowed; listeners are for observation only.
 */
export function emit(listener: PictorEventListener | undefined, event: PictorEventInit): void {
  if (!listener) return;
  try {
    listener({ ...event, at: new Date().toISOString() } as PictorEvent);
  } catch {
    // Deliberately ignored: see the doc comment above.
  }
}

/** Collects events in memory: handy for tests and for attaching a call's history to a log line. */
export function collectEvents(): { readonly events: PictorEvent[]; readonly listener: PictorEventListener } {
  const events: PictorEvent[] = [];
  return { events, listener: (event) => void events.push(event) };
}
