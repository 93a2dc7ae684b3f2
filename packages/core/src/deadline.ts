/**
 * One HTTP request's time limit and abort, as the one signal fetch follows. The request gets
 * `timeoutMs` for the headers and, once they arrive, `timeoutMs` again for the body; the caller's
 * signal aborts it at any point.
 *
 * Why not ky's `timeout` and `signal` options: ky then combines the signals with
 * `AbortSignal.any` and starts a timer per attempt, the body read needed a second timer, and
 * every Request built on a signal costs a WeakRef and a FinalizationRegistry entry in undici. Here
 * a call costs one AbortController, one timer (re-armed, not re-created, for the body) and, only
 * when the caller passed a signal, one listener (bench/overhead-ladder.ts, issue 14).
 */

/** What the timer aborts the request with; http.ts reports it as a `timeout` PictorError. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

export class RequestDeadline {
  /** Aborts when the time runs out or the caller's signal aborts (with the caller's reason). */
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  readonly #timeoutMs: number;
  readonly #caller: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout>;
  #timedOut = false;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;

  constructor(timeoutMs: number, caller: AbortSignal | undefined) {
    this.signal = this.#controller.signal;
    this.#timeoutMs = timeoutMs;
    this.#caller = caller;
    // The timer and the listener get this object, not a closure: nothing else is allocated per call.
    this.#timer = setTimeout(expire, timeoutMs, this);
    caller?.addEventListener('abort', this, { once: true });
  }

  /** True once the time ran out (not when the caller aborted). */
  get timedOut(): boolean {
    return this.#timedOut;
  }

  /** Gives the body its own `timeoutMs`, counted from now. */
  restart(): void {
    if (this.#timedOut || this.#controller.signal.aborted) return;
    const timer = this.#timer as { refresh?: () => unknown };
    // Node's timers re-arm in place; other runtimes' numeric timer ids are replaced.
    if (typeof timer.refresh === 'function') timer.refresh();
    else {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(expire, this.#timeoutMs, this);
    }
  }

  /** The body being read: cancelled when the deadline ends, so a fetch that ignores its signal cannot stall it. */
  watch(reader: ReadableStreamDefaultReader<Uint8Array>): void {
    this.#reader = reader;
  }

  /** Stops the timer and lets go of the caller's signal; call once the body is read or the request failed. */
  done(): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener('abort', this);
    this.#reader = undefined;
  }

  /** @internal the timer's callback */
  expire(): void {
    this.#timedOut = true;
    this.#end(new DeadlineExceeded(`no answer within ${this.#timeoutMs} ms`));
  }

  /** @internal the caller's signal aborted: the request ends with the caller's reason. */
  handleEvent(): void {
    clearTimeout(this.#timer);
    this.#end(this.#caller?.reason);
  }

  #end(reason: unknown): void {
    this.#controller.abort(reason);
    this.#reader?.cancel(reason).catch(ignore);
  }
}

const ignore = () => undefined;

function expire(deadline: RequestDeadline): void {
  deadline.expire();
}
