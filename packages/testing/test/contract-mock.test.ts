import { createMock, type MockFault, type MockProvider } from '@pictor/mock';
import type { ErrorKind } from '@pictor/core';
import { describeProviderContract, type ContractScenario } from '../src/vitest.ts';

const fastWait = { poll: { firstDelayMs: 0, intervalMs: 5, minIntervalMs: 5, maxEtaWaitMs: 5 } };
const kinds: ErrorKind[] = ['invalid_request', 'authentication', 'permission', 'insufficient_quota', 'rate_limited', 'content_filtered', 'not_found', 'provider_unavailable'];

function faultsFor(scenario: ContractScenario): MockFault[] {
  switch (scenario.type) {
    case 'success':
      return [];
    case 'empty':
      return [{ on: 'task', empty: true }];
    case 'task_failed':
      return [{ on: 'task', fail: 'emulated failure' }];
    case 'error':
      return [{ on: 'submit', error: scenario.kind, times: 100 }];
    case 'never_finishes':
      return [];
  }
}

for (const mode of ['async', 'sync'] as const) {
  describeProviderContract(`mock (${mode})`, () => {
    const all: MockProvider[] = [];
    return {
      arrange: (scenario) => {
        const mock = createMock({ durationMs: scenario.type === 'never_finishes' ? 3_600_000 : 10, faults: faultsFor(scenario) });
        all.push(mock);
        return mock;
      },
      fresh: () => {
        const mock = createMock({ durationMs: 10 });
        all.push(mock);
        return mock;
      },
      submits: () => all.flatMap((m) => m.calls).filter((c) => c.method !== 'readStatus').length,
      requests: () => all.flatMap((m) => m.calls).length,
      request: { model: 'glm-image', prompt: 'a contract test', mode },
      invalidSize: '1000x1000',
      errorKinds: kinds,
      async: mode === 'async',
      fastWait,
    };
  }, { async: mode === 'async' });
}
