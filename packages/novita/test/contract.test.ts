import { bundledFixture, emulatorHarness, fixtureHarness, type Fixture } from '@pictor/testing';
import { describeProviderContract } from '@pictor/testing/vitest';
import { createNovita } from '../src/index.ts';

const KEY = 'novita-contract-key-0123456789';
const load = (name: string) => bundledFixture(`novita/${name}`);
const firstOnly = (fixture: Fixture): Fixture => ({ ...fixture, interactions: fixture.interactions.slice(0, 1) });

const success = load('async-success');
const neverFinishes: Fixture = {
  ...success,
  scenario: 'stays TASK_STATUS_PROCESSING',
  interactions: [success.interactions[0]!, { ...success.interactions[2]!, times: 10_000 }],
};

describeProviderContract('novita on documented fixtures', () =>
  fixtureHarness({
    create: () => createNovita({ apiKey: KEY }),
    request: { model: 'glm-image', prompt: 'A cute little kitten sitting on a sunny windowsill' },
    invalidSize: '1000x1000',
    async: true,
    fixtures: {
      success,
      empty: load('async-succeed-no-images'),
      task_failed: load('async-failed'),
      never_finishes: neverFinishes,
      errors: {
        invalid_request: firstOnly(load('error-invalid-request-body')),
        content_filtered: firstOnly(load('error-illegal-prompt')),
        insufficient_quota: firstOnly(load('error-balance')),
        authentication: firstOnly(load('error-invalid-key-403')),
        permission: firstOnly(load('error-feature-not-allowed')),
        rate_limited: firstOnly(load('error-rate-limit')),
        provider_unavailable: firstOnly(load('error-504-ambiguous')),
      },
    },
  }),
);

describeProviderContract('novita on the emulator', () =>
  emulatorHarness({
    provider: 'novita',
    create: (baseURL) => createNovita({ apiKey: KEY, baseURL }),
    request: { model: 'glm-image', prompt: 'emulated fox' },
    invalidSize: '1000x1000',
    async: true,
  }),
);
