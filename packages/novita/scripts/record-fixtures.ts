/**
 * Records live Novita traffic into packages/testing/fixtures/novita/recorded-*.json (shipped with @pictor/testing) with the key
 * scrubbed. For maintainers holding a key: NOVITA_API_KEY=... pnpm fixtures:record
 * (one glm-image generation).
 */
import { writeFile } from 'node:fs/promises';
import { recordScenarios } from '@pictor/testing';
import { createNovita } from '../src/index.ts';

const apiKey = process.env.NOVITA_API_KEY;
if (!apiKey) {
  console.error('NOVITA_API_KEY is not set: nothing recorded. Set it to record live Novita fixtures.');
  process.exit(2);
}
const novita = createNovita({ apiKey, retry: { submit: { retries: 0 }, status: { retries: 0 } } });
const prompt = 'A cute little kitten sitting on a sunny windowsill';

const fixtures = await recordScenarios(
  [
    { name: 'recorded-async-glm-image', scenario: 'live glm-image lifecycle', run: () => novita.generate({ model: 'glm-image', prompt }) },
    {
      name: 'recorded-error-authentication',
      scenario: 'live error with an invalid key',
      run: () => createNovita({ apiKey: 'invalid-key-for-recording' }).generate({ model: 'glm-image', prompt }),
    },
  ],
  [apiKey, 'invalid-key-for-recording'],
);
for (const [name, fixture] of fixtures) {
  const file = new URL(`../../testing/fixtures/novita/${name}.json`, import.meta.url);
  await writeFile(file, `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`wrote ${file.pathname} (${fixture.interactions.length} interactions)`);
}
