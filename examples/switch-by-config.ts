/**
 * Run: `node --conditions=@pictor/source examples/switch-by-config.ts`
 *
 * Switching providers by configuration: the code below never names a provider.
 * Run with a config file as the last argument, or with none: the mock is used when no key is set.
 * (`--conditions=@pictor/source` runs the packages from their sources: no build needed.) With ZAI_API_KEY set, the same
 * code calls Z.AI; with `{"model":"novita:glm-image"}`, Novita.
 */
import { createImageClient, defaultClientConfig, type ClientConfig } from 'pictor';
import { loadClientConfig } from 'pictor/node';

export async function generateWithConfig(config: ClientConfig, prompt: string) {
  const client = createImageClient(config);
  const result = await client.generate({ prompt, aspectRatio: '4:3' });
  return { candidates: client.candidates, provider: result.provider, model: result.model, size: result.size, url: result.images[0]?.url };
}

if (import.meta.main) {
  const file = process.argv[2];
  const config = file ? await loadClientConfig(file) : defaultClientConfig().config;
  const { url, ...summary } = await generateWithConfig(config, 'A red bicycle leaning on a blue wall');
  console.log({ ...summary, url: url && url.length > 80 ? `${url.slice(0, 80)}…` : url });
}
