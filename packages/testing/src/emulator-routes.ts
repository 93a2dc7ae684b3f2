/**
 * What a provider's route table tells the emulator's request handler: which endpoint a request
 * is, the provider's own error codes and bodies, and the bodies of its answers.
 */
import type { ServerResponse } from 'node:http';
import type { EmulatedEndpoint, EmulatedProvider, EmulatorTask } from './emulator.ts';
import type { EmulatorState } from './emulator-state.ts';

/** Where a task stands at a status read. */
export interface TaskProgress {
  readonly done: boolean;
  readonly elapsedMs: number;
  readonly imageUrl: string;
}

export interface ProviderRoutes {
  readonly provider: EmulatedProvider;
  /** Path prefix of the provider's API on the emulator. */
  readonly prefix: string;
  /** The endpoint a method and path (after the prefix) name, or undefined for no route. */
  endpointOf(method: string, route: string): EmulatedEndpoint | undefined;
  /** The provider's codes for the emulator's own refusals. */
  readonly codes: {
    readonly noRoute: string;
    readonly missingKey: string;
    readonly badKey: string;
    readonly badBody: string;
    readonly noPrompt: string;
    readonly busy: string;
    readonly noTask: string;
  };
  /** The provider's error body. */
  errorBody(status: number, code: string | undefined, message: string): unknown;
  /** A new task id, in the provider's format; `serial` counts up from 1. */
  newTaskId(serial: bigint): string;
  /** The size a submit without one gets. */
  defaultSize(body: Record<string, unknown>): string;
  /** The task id a status read names. */
  taskIdOf(route: string, query: URLSearchParams): string;
  /** The answer to an accepted submit. */
  submitted(task: EmulatorTask, body: Record<string, unknown>): unknown;
  /** The answer to a status read. */
  status(task: EmulatorTask, progress: TaskProgress): unknown;
  /** The sync endpoint, for a provider that has one: runs the task, then answers. */
  sync?(state: EmulatorState, task: EmulatorTask, res: ServerResponse): Promise<void>;
}
