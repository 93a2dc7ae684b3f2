/**
 * createImageClient: one client from configuration. Core never imports an
 * adapter: the caller passes a registry of provider factories (the `pictor`
 * package passes the built-in ones), so a user's own adapter registers the same way.
 */
import { z } from 'zod';
import { invalidRequest } from './errors.ts';
import { PriceSchema } from './cost.ts';
import { failover, FailoverPolicySchema, type FailoverCandidate, type FailoverProvider } from './failover.ts';
import { withPrices } from './prices.ts';
import { limitProvider } from './limited-provider.ts';
import { Limiter, LimitsSchema } from './limits.ts';
import { zodError } from './request.ts';
import type { ImageProvider } from './types.ts';

/** Builds a provider from its config section (`providers[id]`). */
export type ProviderFactory = (config: Record<string, unknown>) => ImageProvider;

export interface ProviderRegistration {
  readonly create: ProviderFactory;
  /** Validates the config section; its errors name the bad field. */
  readonly configSchema?: z.ZodType<Record<string, unknown>> | undefined;
}

export type ProviderRegistry = Readonly<Record<string, ProviderFactory | ProviderRegistration>>;

const ModelRef = z.string().regex(/^[\w.-]+:[\w.-]+$/, 'must be "provider:model", e.g. "zai:glm-image"');

export const ClientConfigSchema = z
  .object({
    /**
     * Per-provider settings (apiKey, baseURL, region, …). Keys default to the environment.
     * @default {}
     */
    providers: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    /** The default model, as 'provider:model'. */
    model: ModelRef,
    /**
     * Tried in order when the default fails with an availability error.
     * @default []
     */
    fallbacks: z.array(ModelRef).default([]),
    /**
     * When to move on to a fallback, and the per-candidate circuit breaker (see FailoverPolicySchema).
     * @default {} (failover on availability errors, never on an unknown submit outcome)
     */
    failover: FailoverPolicySchema.optional(),
    /**
     * This deployment's prices by 'provider:model', overriding the published ones (results then say
     * `cost.basis: 'configured'`), e.g. `{ 'zai:glm-image': { usdPerImage: 0.012 } }`.
     * @default {} (published prices only)
     */
    prices: z
      .record(z.string(), PriceSchema)
      // Checked here rather than as the record's key schema, whose error would not say what is valid.
      .superRefine((table, ctx) => {
        for (const key of Object.keys(table)) {
          if (!ModelRef.safeParse(key).success) ctx.addIssue({ code: 'custom', path: [key], message: 'must be "provider:model", e.g. "zai:glm-image"' });
        }
      })
      .default({}),
    /**
     * Client-side limits per provider ('zai') or model ('zai:glm-image'): `{ concurrency, rps }`.
     * @default {} (no limits)
     */
    limits: LimitsSchema.default({}),
  })
  .strict();

export type ClientConfig = z.input<typeof ClientConfigSchema>;

export interface ImageClient extends FailoverProvider {
  /** The providers built from the config, by id. */
  readonly providers: Readonly<Record<string, ImageProvider>>;
  /** 'provider:model' of the default model and the fallbacks, in order. */
  readonly candidates: readonly string[];
}

export function parseClientConfig(input: unknown): z.output<typeof ClientConfigSchema> {
  const parsed = ClientConfigSchema.safeParse(input);
  if (!parsed.success) throw zodError('Invalid Pictor config', parsed.error);
  return parsed.data;
}

export function createImageClient(input: ClientConfig, registry: ProviderRegistry): ImageClient {
  const config = parseClientConfig(input);
  const refs = [config.model, ...config.fallbacks];
  const available = Object.keys(registry);
  const providers: Record<string, ImageProvider> = {};
  const limiter = new Limiter(config.limits);

  const providerFor = (id: string): ImageProvider => {
    const existing = providers[id];
    if (existing) return existing;
    const registration = registry[id];
    if (!registration) {
      throw invalidRequest(`Unknown provider "${id}"; available: ${available.join(', ') || '(none registered)'}`);
    }
    const { create, configSchema } = typeof registration === 'function' ? { create: registration, configSchema: undefined } : registration;
    let section: Record<string, unknown> = config.providers[id] ?? {};
    if (configSchema) {
      const parsed = configSchema.safeParse(section);
      if (!parsed.success) throw zodError(`Invalid config providers.${id}`, parsed.error);
      section = parsed.data;
    }
    const created = create(section);
    const provider = limiter.applies(id) ? limitProvider(created, limiter) : created;
    providers[id] = provider;
    return provider;
  };

  for (const id of [...Object.keys(config.providers), ...Object.keys(config.limits).map((key) => key.split(':')[0] as string)]) {
    if (!registry[id]) throw invalidRequest(`Unknown provider "${id}" in providers or limits; available: ${available.join(', ')}`);
  }

  /** The provider and model a 'provider:model' names, or a clear error listing the provider's models. */
  const modelOf = (ref: string): FailoverCandidate => {
    const [id, model] = ref.split(':') as [string, string];
    const provider = providerFor(id);
    if (!provider.models[model]) {
      throw invalidRequest(`Unknown model "${model}" for provider "${id}"; available: ${Object.keys(provider.models).map((m) => `${id}:${m}`).join(', ')}`);
    }
    return { provider, model };
  };

  const candidates: FailoverCandidate[] = refs.map(modelOf);

  // A price for a model that does not exist is a typo that would silently leave the published price.
  for (const ref of Object.keys(config.prices)) modelOf(ref);

  const router = withPrices(failover(candidates, config.failover), config.prices);
  const routers = new Map<string, FailoverProvider>([[config.model, router]]);
  return {
    ...router,
    id: 'client',
    providers,
    candidates: refs,
    // A request naming a model ('provider:model' or a model of the default provider) overrides the config's.
    // Async so that a bad model rejects the returned promise rather than throwing before one exists.
    generate: async (request, options) => routeFor(request.model).generate({ ...request, model: undefined }, options),
    submit: async (request, options) => routeFor(request.model).submit({ ...request, model: undefined }, options),
  };

  function routeFor(model: string | undefined): FailoverProvider {
    if (model === undefined) return router;
    const ref = model.includes(':') ? model : `${config.model.split(':')[0]}:${model}`;
    const cached = routers.get(ref);
    if (cached) return cached;
    const { provider, model: name } = modelOf(ref);
    // An explicit model keeps the configured fallbacks behind it.
    const rest = candidates.slice(1).filter((c) => !(c.provider.id === provider.id && c.model === name));
    const routed = withPrices(failover([{ provider, model: name }, ...rest], config.failover), config.prices);
    routers.set(ref, routed);
    return routed;
  }
}
