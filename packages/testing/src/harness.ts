/**
 * Ready-made contract harnesses: the emulator (over real HTTP) and fixtures
 * (on nock). Adapters in this repo use them; so can a user's adapter.
 */
import type { ErrorKind, ImageProvider, ImageRequest, WaitOptions } from '@pictor/core';
import type { ContractHarness, ContractScenario } from './contract-types.ts';
import { EMULATOR_ERROR_FAULTS, startEmulator, type EmulatedProvider, type EmulatorFault } from './emulator.ts';
import { replay, resetReplay, type Fixture, type Replay } from './fixtures.ts';

const NO_RETRY_WAIT: WaitOptions = {
  poll: { firstDelayMs: 0, intervalMs: 5, minIntervalMs: 5, maxIntervalMs: 20, maxEtaWaitMs: 20 },
  retry: { submit: { minDelayMs: 1, maxDelayMs: 2 }, status: { minDelayMs: 1, maxDelayMs: 2 } },
};

export interface EmulatorHarnessOptions {
  readonly provider: EmulatedProvider;
  /** Builds the adapter under test against the emulator's base URL. */
  readonly create: (baseURL: string) => ImageProvider;
  readonly request: ImageRequest;
  readonly invalidSize: string;
  readonly async: boolean;
}

/** A harness on a fresh emulator; cleanup closes it. */
export async function emulatorHarness(options: EmulatorHarnessOptions): Promise<ContractHarness> {
  const emulator = await startEmulator({ durations: 20, imageSize: { width: 8, height: 8 } });
  const baseURL = options.provider === 'zai' ? emulator.zaiBaseURL : emulator.novitaBaseURL;
  const prefix = `${options.provider}.`;
  const sum = (filter: (key: string) => boolean) =>
    Object.entries(emulator.counters)
      .filter(([key]) => filter(key))
      .reduce((total, [, n]) => total + n, 0);
  const faultsFor = (scenario: ContractScenario): EmulatorFault[] => {
    switch (scenario.type) {
      case 'success':
        return [];
      case 'empty':
        return [{ type: 'empty', endpoint: options.async ? 'submit' : 'sync' }];
      case 'task_failed':
        return [{ type: 'task_failed', endpoint: options.async ? 'submit' : 'sync', code: 'emulated failure' }];
      case 'never_finishes':
        return [{ type: 'never_finish', endpoint: 'submit' }];
      case 'error': {
        const spec = EMULATOR_ERROR_FAULTS[options.provider][scenario.kind];
        if (!spec) throw new Error(`the emulator has no ${scenario.kind} fault for ${options.provider}`);
        return [{ type: 'http', status: spec.status, code: spec.code, times: 100 }];
      }
    }
  };
  return {
    arrange: (scenario) => {
      emulator.setFaults(faultsFor(scenario));
      return options.create(baseURL);
    },
    fresh: () => options.create(baseURL),
    submits: () => sum((key) => key === `${prefix}submit` || key === `${prefix}sync`),
    requests: () => sum((key) => key.startsWith(prefix)),
    request: options.request,
    invalidSize: options.invalidSize,
    errorKinds: Object.keys(EMULATOR_ERROR_FAULTS[options.provider]) as ErrorKind[],
    async: options.async,
    fastWait: NO_RETRY_WAIT,
    cleanup: () => emulator.close(),
  };
}

export interface FixtureHarnessOptions {
  readonly create: () => ImageProvider;
  /** The fixture that plays each scenario; error kinds the map lacks are not exercised. */
  readonly fixtures: {
    readonly success: Fixture;
    readonly empty: Fixture;
    readonly task_failed: Fixture;
    readonly never_finishes: Fixture;
    readonly errors: Partial<Record<ErrorKind, Fixture>>;
  };
  readonly request: ImageRequest;
  readonly invalidSize: string;
  readonly async: boolean;
  /** 'POST /path' prefixes that count as submits (default: any POST). */
  readonly isSubmit?: ((request: string) => boolean) | undefined;
}

/** A harness on fixtures; every scenario replays its file with nock. */
export function fixtureHarness(options: FixtureHarnessOptions): ContractHarness {
  const replays: Replay[] = [];
  const isSubmit = options.isSubmit ?? ((r: string) => r.startsWith('POST'));
  const all = () => replays.flatMap((r) => r.requests);
  return {
    arrange: (scenario) => {
      resetReplay();
      const fixture =
        scenario.type === 'error' ? options.fixtures.errors[scenario.kind] : options.fixtures[scenario.type];
      if (!fixture) throw new Error(`no fixture for scenario ${JSON.stringify(scenario)}`);
      replays.push(replay(fixture));
      return options.create();
    },
    fresh: options.create,
    submits: () => all().filter(isSubmit).length,
    requests: () => all().length,
    request: options.request,
    invalidSize: options.invalidSize,
    errorKinds: Object.keys(options.fixtures.errors) as ErrorKind[],
    async: options.async,
    fastWait: NO_RETRY_WAIT,
    cleanup: () => resetReplay(),
  };
}
