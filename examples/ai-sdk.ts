/**
 * Run: `node --conditions=@pictor/source examples/ai-sdk.ts`
 *
 * Pictor inside the Vercel AI SDK, and an AI SDK model inside Pictor.
 *
 * 1. `generateImage` from `ai` on a Pictor route: Pictor validates the size,
 *    runs the async task, polls, and the SDK gets bytes, warnings and
 *    `providerMetadata.pictor` (task id, URL, expiry, cost, route). Runs keyless
 *    on the mock; with ZAI_API_KEY set, use 'zai:glm-image' instead.
 * 2. `fromAiSdk(model)`: any AI SDK image model as a Pictor provider, here the
 *    fallback behind a primary that is down.
 */
import type { ImageModelV4 } from '@ai-sdk/provider';
import { createPictor, fromAiSdk } from '@pictor/ai-sdk';
import { generateImage } from 'ai';
import { collectEvents, createImageClient } from 'pictor';

export async function generateThroughPictor(prompt = 'A lighthouse at dusk, watercolour') {
  const pictor = createPictor({ model: 'mock:glm-image', providers: { mock: { durationMs: 20 } } });
  const { images, warnings, providerMetadata } = await generateImage({
    model: pictor.imageModel('mock:glm-image'),
    prompt,
    aspectRatio: '16:9',
    n: 2,
    providerOptions: { pictor: { poll: { firstDelayMs: 0, intervalMs: 10 } } },
  });
  return { images, warnings, metadata: providerMetadata.pictor?.images ?? [] };
}

/** A Pictor client whose primary is down (scripted 503) and whose fallback is an AI SDK model. */
export async function aiSdkModelAsFallback(model: ImageModelV4, prompt = 'A paper boat on a puddle') {
  const client = createImageClient(
    {
      model: 'mock:glm-image',
      fallbacks: [`sdk:${model.modelId}`],
      providers: { mock: { faults: [{ on: 'submit', error: 'provider_unavailable', times: 1 }] } },
    },
    { sdk: () => fromAiSdk(model, { id: 'sdk' }) },
  );
  const { events, listener } = collectEvents();
  const result = await client.generate({ prompt, size: '1024x1024' }, { onEvent: listener });
  return { result, events };
}

if (import.meta.main) {
  const { images, warnings, metadata } = await generateThroughPictor();
  console.log(`${images.length} images: ${images.map((i) => `${i.mediaType} ${i.uint8Array.length} bytes`).join(', ')}`);
  for (const warning of warnings) console.log(`warning: ${JSON.stringify(warning)}`);
  for (const entry of metadata) console.log(`metadata: ${JSON.stringify(entry).slice(0, 160)}…`);
}
