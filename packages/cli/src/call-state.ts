/**
 * What is known about the task a command works on, so that a failure at any
 * point says what was paid for: nothing sent yet, a submit in flight (outcome
 * unknown), an accepted task (its handle), or a finished one (its images).
 */
import type { ImageResult, PictorEvent, TaskHandle } from 'pictor';

export class CallState {
  /** True from the moment a submit may have been sent until it answered. */
  submitting = false;
  handle: TaskHandle | undefined;
  result: ImageResult | undefined;

  /** Records the handle of an accepted task and the result of a finished one. */
  readonly listener = (event: PictorEvent): void => {
    if (event.type === 'submitted') {
      this.submitting = false;
      this.handle = event.handle;
    } else if (event.type === 'completed') {
      this.result = event.result;
    }
  };

  /** Marks a submit as started (before the request, which an abort may interrupt in flight). */
  startSubmit(): void {
    this.submitting = true;
  }

  finished(result: ImageResult): void {
    this.submitting = false;
    this.result = result;
  }
}
