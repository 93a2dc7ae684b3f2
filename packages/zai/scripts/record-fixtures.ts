/**
 * Records live Z.AI traffic into packages/testing/fixtures/zai/recorded-*.json (shipped with @pictor/testing), with the key
 * scrubbed. For maintainers holding a key: ZAI_API_KEY=... pnpm fixtures:record
 * (costs a few cents: two or three generations). Optional ZAI_REGION=mainland.
 */
import { writeFile } from 'node:fs/promises';
import { recordScenarios } from '@pictor/testing';
import { createZai } from '../src/index.ts';

const apiKey = process.env.ZAI_API_KEY;
if (!apiKey) {
  console.error('ZAI_API_KEY is not set: nothing recorded. Set it to record live Z.AI fixtures.');
  process.exit(2);
}
const region = process.env.ZAI_REGION === 'mainland' ? 'mainland' : 'international';
const zai = createZai({ apiKey, region, retry: { submit: { retries: 0 }, status: { retries: 0 } } });
const prompt = 'A cute little kitten sitting on a sunny windowsill';

const fixtures = await recordScenarios(
  [
    { name: 'recorded-sync-cogview-4', scenario: 'live sync cogview-4-250304', run: () => zai.generate({ model: 'cogview-4-250304', prompt }) },
    { name: 'recorded-async-glm-image', scenario: 'live async glm-image lifecycle', run: () => zai.generate({ model: 'glm-image', prompt }) },
    {
      name: 'recorded-error-authentication',
      scenario: 'live 401 with an invalid key',
      run: () => createZai({ apiKey: 'invalid-key-for-recording', region }).generate({ model: 'cogview-4-250304', prompt }),
    },
  ],
  [apiKey, 'invalid-key-for-recording'],
);
for (const [name, fixture] of fixtures) {
  const file = new URL(`../../testing/fixtures/zai/${name}.json`, import.meta.url);
  await writeFile(file, `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`wrote ${file.pathname} (${fixture.interactions.length} interactions)`);
}
