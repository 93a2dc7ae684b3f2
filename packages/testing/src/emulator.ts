/**
 * The provider emulator: a real HTTP server on 127.0.0.1 speaking Z.AI's and
 * Novita's wire formats, with fault injection and counters. Point an adapter's
 * `baseURL` at it and run an app, a test or a benchmark with no key and no network.
 *
 *   Z.AI    {url}/zai/api/paas/v4   images/generations, async/images/generations, async-result/{id}
 *   Novita  {url}/novita            v3/async/glm-image, v3/async/task-result?task_id=
 *   images  {url}/images/{taskId}-{index}.png   real PNGs of the requested size
 *
 * Each provider's routes are a table (emulator-zai-routes.ts, emulator-novita-routes.ts; the
 * images in emulator-image-route.ts); emulator-handler.ts checks, faults and dispatches.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRequestHandler } from './emulator-handler.ts';
import { send } from './emulator-http.ts';
import { createEmulatorState } from './emulator-state.ts';
import { parseFactoryOptions } from '@pictor/core/adapter';
import type { ErrorKind } from '@pictor/core';
import type { ScriptedTask } from '@pictor/mock';
import { EmulatorFaultsSchema, EmulatorOptionsSchema, type EmulatedProvider, type EmulatorFault, type EmulatorOptions } from './emulator-options.ts';

export type { EmulatedEndpoint, EmulatedProvider, EmulatorFault, EmulatorOptions } from './emulator-options.ts';

/** A task the emulator accepted: the mock's kind of task, with an id, a provider and its own duration. */
export interface EmulatorTask extends ScriptedTask {
  readonly id: string;
  readonly provider: EmulatedProvider;
  readonly durationMs: number;
  /** When the first status read saw it finished (for latency measurements). */
  observedDoneAt?: number | undefined;
  statusReads: number;
}

export interface Emulator {
  readonly url: string;
  readonly zaiBaseURL: string;
  readonly novitaBaseURL: string;
  /** Requests per endpoint, e.g. 'zai.submit', 'novita.status', 'image'. */
  readonly counters: Readonly<Record<string, number>>;
  /** Submits received per prompt (accepted or not): more than one means something re-submitted. */
  readonly submitsByPrompt: ReadonlyMap<string, number>;
  /** Tasks created, by id. */
  readonly tasks: ReadonlyMap<string, EmulatorTask>;
  /**
   * A `providers.<id>` config section for a client pointed at this emulator: its base URL, a
   * placeholder key, and polling paced by the emulator's task duration rather than the real model's.
   */
  providerConfig(provider: EmulatedProvider): EmulatorProviderConfig;
  /** The most tasks running at once, and submits refused by `maxConcurrentTasks`. */
  readonly concurrency: { readonly maxObserved: number; readonly refused: number };
  /** Replaces the fault script (and re-arms `times`). */
  setFaults(faults: readonly EmulatorFault[]): void;
  /** Clears counters, tasks and faults' use counts. */
  reset(): void;
  close(): Promise<void>;
}

export interface EmulatorProviderConfig {
  readonly baseURL: string;
  readonly apiKey: string;
  readonly poll: { readonly typicalDurationMs: number };
}

export async function startEmulator(input: EmulatorOptions = {}): Promise<Emulator> {
  const options = parseFactoryOptions(EmulatorOptionsSchema, input, 'emulator');
  const state = createEmulatorState(options);
  const handle = createRequestHandler(state);
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(error) });
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  state.url = url;

  return {
    url,
    zaiBaseURL: `${url}/zai/api/paas/v4`,
    novitaBaseURL: `${url}/novita`,
    counters: state.counters,
    submitsByPrompt: state.submitsByPrompt,
    tasks: state.tasks,
    providerConfig: (provider) => ({
      baseURL: provider === 'zai' ? `${url}/zai/api/paas/v4` : `${url}/novita`,
      apiKey: 'emulated-key',
      poll: { typicalDurationMs: Math.max(1, state.durationFor(provider, '', 0)) },
    }),
    concurrency: state.gate,
    setFaults: (faults) => state.setFaults(parseFactoryOptions(EmulatorFaultsSchema, faults, 'emulator faults')),
    reset: state.reset,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of state.timers) clearTimeout(timer);
        state.timers.clear();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The status and business code (Z.AI) or reason (Novita) the emulator answers with for each error
 * kind: one row per kind, so the two providers' ways of saying the same thing sit side by side.
 */
const ERROR_FAULT_ROWS = {
  invalid_request: { zai: [400, '1214'], novita: [400, 'INVALID_REQUEST_BODY'] },
  authentication: { zai: [401, '1002'], novita: [403, 'INVALID_API_KEY'] },
  permission: { zai: [434, '1220'], novita: [403, 'FEATURE_NOT_ALLOWED'] },
  insufficient_quota: { zai: [429, '1113'], novita: [400, 'BILLING_BALANCE_NOT_ENOUGH'] },
  rate_limited: { zai: [429, '1302'], novita: [429, 'RATE_LIMIT_EXCEEDED'] },
  content_filtered: { zai: [400, '1301'], novita: [400, 'ILLEGAL_PROMPT'] },
  not_found: { zai: [400, '1211'], novita: [404, 'API_NOT_FOUND'] },
  provider_unavailable: { zai: [503, '1234'], novita: [503, 'SERVICE_UNAVAILABLE'] },
} as const satisfies Partial<Record<ErrorKind, Record<EmulatedProvider, readonly [number, string]>>>;

function faultsOf(provider: EmulatedProvider): Partial<Record<string, { status: number; code: string }>> {
  return Object.fromEntries(Object.entries(ERROR_FAULT_ROWS).map(([kind, row]) => [kind, { status: row[provider][0], code: row[provider][1] }]));
}

/** The same table by provider, then kind: `EMULATOR_ERROR_FAULTS.zai.rate_limited` is `{ status: 429, code: '1302' }`. */
export const EMULATOR_ERROR_FAULTS: Readonly<Record<EmulatedProvider, Partial<Record<string, { status: number; code: string }>>>> = {
  zai: faultsOf('zai'),
  novita: faultsOf('novita'),
};
