/** One generate call against a bundled fixture: the observed-shape tests of each adapter. */
import { PictorError, type ImageProvider, type ImageRequest, type ImageResult, type WaitOptions } from '@pictor/core';
import { expect } from 'vitest';

/**
 * Replays the bundled fixture `name` (e.g. "zai/observed-1113-on-429-nested") while `provider`
 * generates `request`. Returns the result or the PictorError (a rejection of any other type fails
 * the test, as does an error whose JSON contains `secret`), with the requests the fixture answered.
 */
export async function replayGenerate(name: string, provider: ImageProvider, request: ImageRequest, options: WaitOptions, secret: string) {
  // Loaded on first use: nock stays out of the processes that import this entry only for its assertions.
  const [{ bundledFixture }, { replay }] = await Promise.all([import('./bundled.ts'), import('./fixtures.ts')]);
  const scope = replay(bundledFixture(name));
  const outcome = await provider.generate(request, options).then(
    (result: ImageResult) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error: error as PictorError }),
  );
  if (outcome.error) {
    expect(outcome.error).toBeInstanceOf(PictorError);
    expect(JSON.stringify(outcome.error.toJSON())).not.toContain(secret);
  }
  return { ...outcome, requests: scope.requests, scope };
}
