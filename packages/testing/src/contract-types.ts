/**
 * What the contract suite needs from a backend, as types only: the harness builders in the main
 * entry use them without loading vitest (an optional peer), which only `@pictor/testing/vitest` does.
 */
import type { ErrorKind, ImageProvider, ImageRequest, WaitOptions } from '@pictor/core';

export type ContractScenario =
  | { readonly type: 'success' }
  | { readonly type: 'task_failed' }
  /** The provider answers success with zero images. */
  | { readonly type: 'empty' }
  /** The provider answers with an error of this kind (on submit). */
  | { readonly type: 'error'; readonly kind: ErrorKind }
  /** The task is accepted and never finishes. */
  | { readonly type: 'never_finishes' };

export interface ContractHarness {
  /** Programs the backend for a scenario and returns a provider to exercise. */
  arrange(scenario: ContractScenario): Promise<ImageProvider> | ImageProvider;
  /** A new provider instance on the same backend (for resuming a saved handle). */
  fresh(): ImageProvider;
  /** Submits the backend received so far in this test. */
  submits(): number;
  /** All requests the backend received so far in this test. */
  requests(): number;
  /** The model to request, and any extra request fields. */
  readonly request: ImageRequest;
  /** A size this model refuses. */
  readonly invalidSize: string;
  /** Error kinds the backend can produce on demand, with whether each is retryable by default. */
  readonly errorKinds: readonly ErrorKind[];
  /** True when the model is asynchronous (abort, deadline and resume apply). */
  readonly async: boolean;
  /** Wait options that make polling fast for this backend. */
  readonly fastWait?: WaitOptions | undefined;
  cleanup?(): Promise<void> | void;
}
