/** The client a command runs on: from --config, or the keyless-friendly default, with --model on top. */
import { createImageClient, defaultClientConfig, type ClientConfig, type ImageClient, type ProviderRegistry } from 'pictor';
import { loadClientConfig } from 'pictor/node';
import type { CliIO } from './io.ts';
import { loadProviderModules } from './provider-modules.ts';

export async function clientFrom(values: { config?: string | undefined; model?: string | undefined }, io: CliIO): Promise<ImageClient> {
  let config: ClientConfig;
  let registry: ProviderRegistry = {};
  if (values.config) {
    // Sections naming a `module` register that module's provider (provider-modules.ts).
    ({ config, registry } = await loadProviderModules(await loadClientConfig(values.config), values.config));
  } else {
    const defaults = defaultClientConfig();
    config = defaults.config;
    // Said only when the mock was not asked for: a keyless user should know no provider was called.
    if (defaults.usesMock && values.model === undefined) {
      io.stderr.write('pictor: no ZAI_API_KEY or NOVITA_API_KEY set: using the mock provider (images are drawn locally)\n');
    }
  }
  if (values.model) {
    const model = values.model.includes(':') ? values.model : `${config.model.split(':')[0]}:${values.model}`;
    config = { ...config, model, fallbacks: (config.fallbacks ?? []).filter((f) => f !== model) };
  }
  return createImageClient(config, registry);
}
