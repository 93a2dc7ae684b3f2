/**
 * Run: `pnpm demo` (the same as `node --conditions=@pictor/source examples/demo.ts`)
 *
 * Generates an image with no API key, through the mock provider,
 * writes it to ./out/ and prints the file's path and the normalised result.
 * Swap `createMock()` for `createZai()` or `createNovita()` and nothing else changes.
 */
import { collectEvents, createMock } from 'pictor';
import { saveResult } from 'pictor/node';

export async function runDemo(outDir = 'out', prompt = 'A lighthouse on a cliff at dawn, watercolour') {
  const provider = createMock({ durationMs: 400 });
  const { events, listener } = collectEvents();
  const result = await provider.generate({ model: 'glm-image', prompt, aspectRatio: '16:9' }, { onEvent: listener });
  const saved = await saveResult(result, outDir);
  return { result, saved, events };
}

if (import.meta.main) {
  const { result, saved, events } = await runDemo();
  for (const file of saved) console.log(`Wrote ${file.path} (${file.bytes} bytes, ${file.mediaType})`);
  // The data: URL is long; show its start so the result stays readable.
  const shown = { ...result, images: result.images.map((i) => ({ ...i, url: `${i.url.slice(0, 40)}…` })) };
  console.log(JSON.stringify(shown, null, 2));
  console.log(`Events: ${events.map((e) => e.type).join(' → ')}`);
}
