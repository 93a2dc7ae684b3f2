/**
 * The fixture set shipped with @pictor/testing (the package's `fixtures/` folder): the Z.AI and
 * Novita scenarios Pictor tests itself with, for an application to test its own code offline.
 *
 *   replay(bundledFixture('zai/async-success'))
 *
 * Each file says what it is (`source`: documented, observed, recorded or emulator). The files are
 * also exported as `@pictor/testing/fixtures/<provider>/<name>.json`.
 */
import { readdirSync } from 'node:fs';
import { invalidRequest } from '@pictor/core';
import { loadFixture, type Fixture } from './fixtures.ts';

/** Providers with a bundled fixture folder. */
export const BUNDLED_FIXTURE_PROVIDERS = ['zai', 'novita'] as const;
export type BundledFixtureProvider = (typeof BUNDLED_FIXTURE_PROVIDERS)[number];

/** The same folder from src/ (in the repo) and from dist/ (installed). */
const ROOT = new URL('../fixtures/', import.meta.url);

/** Names of the bundled fixtures, as 'provider/name' (sorted). */
export function bundledFixtureNames(provider?: BundledFixtureProvider): string[] {
  const providers = provider ? [provider] : BUNDLED_FIXTURE_PROVIDERS;
  return providers.flatMap((p) =>
    readdirSync(new URL(`${p}/`, ROOT))
      .filter((file) => file.endsWith('.json'))
      .map((file) => `${p}/${file.slice(0, -'.json'.length)}`)
      .sort(),
  );
}

/** Loads a bundled fixture by 'provider/name' (e.g. 'zai/async-success'). */
export function bundledFixture(name: string): Fixture {
  const match = /^(zai|novita)\/([\w.-]+)$/.exec(name);
  if (!match || !bundledFixtureNames(match[1] as BundledFixtureProvider).includes(name)) {
    throw invalidRequest(`No bundled fixture "${name}"; names are 'provider/name', e.g. 'zai/async-success' (see bundledFixtureNames())`);
  }
  return loadFixture(new URL(`${name}.json`, ROOT));
}
