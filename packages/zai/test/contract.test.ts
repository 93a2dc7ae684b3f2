import { bundledFixture, emulatorHarness, fixtureHarness, type Fixture } from '@pictor/testing';
import { describeProviderContract } from '@pictor/testing/vitest';
import { createZai } from '../src/index.ts';

const KEY = 'zai-contract-key-0123456789';
const load = (name: string) => bundledFixture(`zai/${name}`);

/** The documented error fixtures are written for the sync endpoint; the contract's request is async: same bodies, other path. */
const onAsyncEndpoint = (fixture: Fixture): Fixture => ({
  ...fixture,
  interactions: fixture.interactions.slice(0, 1).map((i) => ({ ...i, path: i.path.replace('/images/generations', '/async/images/generations') })),
});

const async = load('async-success');
const neverFinishes: Fixture = {
  ...async,
  scenario: 'async glm-image that stays PROCESSING',
  interactions: [async.interactions[0]!, { ...async.interactions[1]!, times: 10_000 }],
};
const emptyAsync: Fixture = {
  ...async,
  scenario: 'async glm-image: SUCCESS with image_result: []',
  interactions: [async.interactions[0]!, { ...async.interactions[3]!, response: { task_status: 'SUCCESS', image_result: [] } }],
};

describeProviderContract('zai on documented fixtures', () =>
  fixtureHarness({
    create: () => createZai({ apiKey: KEY }),
    request: { model: 'glm-image', prompt: 'A cute little kitten sitting on a sunny windowsill' },
    invalidSize: '1000x1000',
    async: true,
    fixtures: {
      success: async,
      empty: emptyAsync,
      task_failed: load('async-fail'),
      never_finishes: neverFinishes,
      errors: {
        insufficient_quota: onAsyncEndpoint(load('error-1113-insufficient-balance')),
        content_filtered: onAsyncEndpoint(load('error-1301-content-filtered')),
        authentication: onAsyncEndpoint(load('error-1002-authentication')),
        invalid_request: onAsyncEndpoint(load('error-1214-top-level-code')),
        not_found: onAsyncEndpoint(load('error-1211-model-missing')),
        permission: onAsyncEndpoint(load('error-1220-permission')),
        rate_limited: onAsyncEndpoint(load('error-1304-daily-limit')),
        provider_unavailable: onAsyncEndpoint(load('error-500-ambiguous')),
      },
    },
  }),
);

for (const mode of ['async', 'sync'] as const) {
  describeProviderContract(`zai glm-image ${mode} on the emulator`, () =>
    emulatorHarness({
      provider: 'zai',
      create: (baseURL) => createZai({ apiKey: KEY, baseURL }),
      request: { model: 'glm-image', prompt: 'emulated kitten', mode },
      invalidSize: '2048x2080',
      async: mode === 'async',
    }),
    { async: mode === 'async' },
  );
}

describeProviderContract('zai cogview-4 on the emulator', () =>
  emulatorHarness({
    provider: 'zai',
    create: (baseURL) => createZai({ apiKey: KEY, baseURL }),
    request: { model: 'cogview-4-250304', prompt: 'emulated kitten', quality: 'hd' },
    invalidSize: '500x500',
    async: false,
  }),
  { async: false },
);
