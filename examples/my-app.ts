/**
 * Run: `node --conditions=@pictor/source examples/my-app.ts`
 *
 * A user's own application code: a thumbnail service that asks for an image and
 * returns what its UI needs. Its test (test/examples.test.ts) runs it offline
 * against a documented Z.AI async lifecycle shipped with @pictor/testing (bundledFixture), the way
 * an app would test its own code. Run directly, it makes a thumbnail on the mock provider (no key,
 * no network).
 */
import { createMock, type ImageProvider } from 'pictor';

export interface Thumbnail {
  readonly url: string;
  readonly caption: string;
  readonly costUsd: number | undefined;
}

export async function makeThumbnail(provider: ImageProvider, subject: string): Promise<Thumbnail> {
  const result = await provider.generate({ model: 'glm-image', prompt: subject, size: '1280x1280' }, { poll: { firstDelayMs: 0, intervalMs: 10, minIntervalMs: 10 } });
  const image = result.images[0];
  if (!image) throw new Error('no image');
  return { url: image.url, caption: `${subject} (${result.size.width}x${result.size.height}, ${result.provider})`, costUsd: result.cost.usd };
}

if (import.meta.main) {
  const thumbnail = await makeThumbnail(createMock({ durationMs: 50 }), 'A cute little kitten sitting on a sunny windowsill');
  console.log({ ...thumbnail, url: `${thumbnail.url.slice(0, 40)}…` });
}
