/**
 * Providers from modules a config file names, so the CLI can run a user's own adapter or an AI
 * SDK model wrapped with `fromAiSdk`:
 *
 *     "providers": { "mine": { "module": "./my-provider.js", "export": "default", ...its config } }
 *
 * The module (a path, relative to the config file) is imported and its export registered under
 * the section's id, as `createImageClient(config, { mine })` does in code; the rest of the
 * section is the config the factory receives. The export is a provider factory
 * (`(config) => ImageProvider`) or a registration (`{ create, configSchema? }`). Loading it runs
 * that module's code: the config file is trusted as much as the command line that names it.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { builtInProviders, invalidRequest, type ClientConfig, type ImageProvider, type ProviderRegistry } from 'pictor';

const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'must be a function');

const ModuleSourceSchema = z.object({
  /** Path of an ES module, relative to the config file (`./x.js`, `../x.mjs`) or absolute. */
  module: z
    .string()
    .min(1)
    .refine((path) => isAbsolute(path) || /^\.\.?[\\/]/.test(path), 'must be a path such as "./my-provider.js" (relative to the config file) or an absolute path'),
  /**
   * The module's export that builds the provider.
   * @default 'default'
   */
  export: z.string().regex(/^[A-Za-z_$][\w$]*$/, 'must be an export name such as "default" or "createMine"').default('default'),
});

const RegistrationSchema = z.union([fn, z.object({ create: fn, configSchema: z.custom<z.ZodType<Record<string, unknown>>>((v) => typeof (v as { safeParse?: unknown })?.safeParse === 'function', 'must be a zod schema').optional() })], {
  error: 'must be a provider factory ((config) => ImageProvider) or { create, configSchema? }',
});

/** What a factory returns, checked when the provider is first built. */
const ProviderShapeSchema = z.object({
  id: z.string().min(1),
  models: z.record(z.string(), z.unknown()),
  generate: fn,
  submit: fn,
  status: fn,
  wait: fn,
});

/** The config without `module`/`export` keys, and the registrations those keys named. */
export async function loadProviderModules(config: ClientConfig, configPath: string): Promise<{ config: ClientConfig; registry: ProviderRegistry }> {
  const registry: Record<string, ProviderRegistry[string]> = {};
  const providers: Record<string, Record<string, unknown>> = { ...config.providers };
  for (const [id, section] of Object.entries(config.providers ?? {})) {
    if (!('module' in section) && !('export' in section)) continue;
    const where = `${configPath}: providers.${id}`;
    if (Object.hasOwn(builtInProviders, id)) throw invalidRequest(`${where}.module: "${id}" is a built-in provider; give your module's provider another id`);
    const { module, export: exportName, ...rest } = section;
    const source = ModuleSourceSchema.safeParse({ module, export: exportName });
    if (!source.success) {
      const issue = source.error.issues[0]!;
      throw invalidRequest(`${where}.${issue.path.join('.') || 'module'} ${issue.message}`);
    }
    registry[id] = await importRegistration(id, source.data, configPath, where);
    providers[id] = rest;
  }
  return { config: { ...config, providers }, registry };
}

async function importRegistration(id: string, source: z.output<typeof ModuleSourceSchema>, configPath: string, where: string): Promise<ProviderRegistry[string]> {
  const url = pathToFileURL(resolve(dirname(configPath), source.module)).href;
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw invalidRequest(`${where}.module: cannot load ${source.module}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
  if (!Object.hasOwn(namespace, source.export)) {
    const names = Object.keys(namespace);
    throw invalidRequest(`${where}.export: ${source.module} has no export "${source.export}"; it exports ${names.length > 0 ? names.join(', ') : 'nothing'}`);
  }
  const parsed = RegistrationSchema.safeParse(namespace[source.export]);
  if (!parsed.success) throw invalidRequest(`${where}: export "${source.export}" of ${source.module} ${parsed.error.issues[0]!.message}, got ${kindOf(namespace[source.export])}`);
  const registration = typeof parsed.data === 'function' ? { create: parsed.data } : parsed.data;
  return {
    ...registration,
    create: (section) => {
      const provider = (registration.create as (section: Record<string, unknown>) => unknown)(section);
      const shape = ProviderShapeSchema.safeParse(provider);
      if (!shape.success) {
        const issue = shape.error.issues[0]!;
        throw invalidRequest(`${where}: the factory exported by ${source.module} must return an ImageProvider (id, models, generate, submit, status, wait); its ${issue.path.join('.') || 'value'} ${issue.message}`);
      }
      // Handles carry the provider's id and `pictor wait` resumes by it: it must be the section's.
      if (shape.data.id !== id) {
        throw invalidRequest(`${where}: the factory exported by ${source.module} returned provider "${shape.data.id}", but the config registers it as "${id}": name the section "${shape.data.id}", or give the provider the id "${id}" (fromAiSdk: { id: '${id}' })`);
      }
      return provider as ImageProvider;
    },
  };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `an object with keys ${Object.keys(value).join(', ') || '(none)'}` : `a ${typeof value}`;
}
