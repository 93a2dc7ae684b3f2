/**
 * Turns a user's ImageRequest into what an adapter sends, using the model's
 * capability table: validates size, quality, mode and n before any network call,
 * resolves the aspect ratio, and records every setting the model can't honour
 * as a warning (or an error in strict mode). Nothing is dropped silently.
 */
import { costOf } from './cost.ts';
import type { z } from 'zod';
import { invalidRequest } from './errors.ts';
import { parseImageRequest, zodError, type ImageRequest, type ParsedImageRequest } from './request.ts';
import { formatSize, parseSize, resolveAspectRatio, validateSize, type Size, type SizeRule } from './sizes.ts';
import type { Mode, ModelSpec, Warning } from './types.ts';

/**
 * A parsed request with everything the model decided filled in: the prompt and pass-through
 * settings as parsed, the model, size, quality, n and mode resolved, this provider's options parsed.
 */
export type PreparedRequest<ProviderOptions = Record<string, unknown>> = Readonly<Pick<ParsedImageRequest, 'prompt' | 'userId' | 'watermark' | 'seed'>> & {
  readonly model: string;
  readonly spec: ModelSpec;
  readonly size: Size;
  readonly quality: string;
  readonly n: number;
  readonly mode: Mode;
  /** This provider's namespace of providerOptions, parsed by its schema. */
  readonly providerOptions: ProviderOptions;
  readonly warnings: readonly Warning[];
};

export interface PrepareOptions<ProviderOptions> {
  readonly providerId: string;
  readonly models: Readonly<Record<string, ModelSpec>>;
  readonly providerOptionsSchema?: z.ZodType<ProviderOptions> | undefined;
  readonly strict?: boolean | undefined;
}

export function findModel(providerId: string, models: Readonly<Record<string, ModelSpec>>, model: string | undefined): ModelSpec {
  const ids = Object.keys(models);
  if (model === undefined) {
    if (ids.length === 1) return models[ids[0] as string] as ModelSpec;
    throw invalidRequest(`No model given; ${providerId} has ${ids.join(', ')}`, { provider: providerId });
  }
  const exact = models[model] ?? Object.values(models).find((m) => m.id.toLowerCase() === model.toLowerCase());
  if (exact) return exact;
  throw invalidRequest(`Unknown model "${model}" for ${providerId}; available: ${ids.join(', ')}`, { provider: providerId });
}

/** Each rule's default size, parsed once (most calls give no size) and frozen, since every call shares it. */
const defaultSizes = new WeakMap<SizeRule, { readonly text: string; readonly size: Size }>();

function defaultSize(rule: SizeRule): Size {
  const cached = defaultSizes.get(rule);
  if (cached?.text === rule.default) return cached.size;
  const size = Object.freeze(parseSize(rule.default));
  defaultSizes.set(rule, { text: rule.default, size });
  return size;
}

export function prepareRequest<ProviderOptions = Record<string, unknown>>(
  input: ImageRequest,
  options: PrepareOptions<ProviderOptions>,
): PreparedRequest<ProviderOptions> {
  return prepareParsedRequest(parseImageRequest(input, options.providerId), options);
}

/** prepareRequest for a request already parsed by parseImageRequest (failover checks each candidate). */
export function prepareParsedRequest<ProviderOptions = Record<string, unknown>>(
  request: ParsedImageRequest,
  options: PrepareOptions<ProviderOptions>,
): PreparedRequest<ProviderOptions> {
  const { providerId } = options;
  const spec = findModel(providerId, options.models, request.model);
  const warnings: Warning[] = [];
  const refuse = (message: string) =>
    invalidRequest(message, { provider: providerId });

  let size: Size;
  if (request.size !== undefined) {
    size = validateSize(request.size, spec.sizes, spec.id);
  } else if (request.aspectRatio !== undefined) {
    size = resolveAspectRatio(request.aspectRatio, spec.sizes);
    warnings.push({
      type: 'adjusted',
      feature: 'aspectRatio',
      message: `aspectRatio ${request.aspectRatio} resolved to ${formatSize(size)} for ${spec.id}`,
    });
  } else {
    size = defaultSize(spec.sizes);
  }

  const quality = request.quality ?? spec.defaultQuality;
  if (!spec.qualities.includes(quality)) {
    throw refuse(`quality "${quality}" is not supported by ${spec.id}; valid: ${spec.qualities.join(', ')}`);
  }

  const mode = request.mode ?? spec.defaultMode;
  if (!spec.modes.includes(mode)) {
    throw refuse(`${spec.id} on ${providerId} does not support ${mode} mode; supported: ${spec.modes.join(', ')}`);
  }

  const n = request.n ?? 1;
  if (n > spec.maxImagesPerCall) {
    throw refuse(`n=${n} is more than ${spec.id} returns per call (${spec.maxImagesPerCall}); make ${n} calls instead`);
  }

  if (request.prompt.length > spec.maxPromptLength) {
    throw refuse(`prompt is ${request.prompt.length} characters; ${spec.id} accepts at most ${spec.maxPromptLength}`);
  }

  const unsupported = (feature: keyof ModelSpec['supports'], present: boolean) => {
    if (!present || spec.supports[feature]) return;
    const message = `${feature} is not supported by ${spec.id} on ${providerId} and was not sent`;
    if (options.strict) throw refuse(`${message} (strict mode)`);
    warnings.push({ type: 'unsupported', feature, message });
  };
  unsupported('seed', request.seed !== undefined);
  unsupported('watermark', request.watermark !== undefined);
  unsupported('userId', request.userId !== undefined);

  const raw = request.providerOptions?.[providerId] ?? {};
  let providerOptions = raw as ProviderOptions;
  if (options.providerOptionsSchema) {
    const parsed = options.providerOptionsSchema.safeParse(raw);
    if (!parsed.success) throw zodError(`Invalid providerOptions.${providerId}`, parsed.error, providerId);
    providerOptions = parsed.data;
  }

  return {
    model: spec.id,
    spec,
    prompt: request.prompt,
    size,
    quality,
    n,
    mode,
    userId: spec.supports.userId ? request.userId : undefined,
    watermark: spec.supports.watermark ? request.watermark : undefined,
    seed: spec.supports.seed ? request.seed : undefined,
    providerOptions,
    warnings,
  };
}

/**
 * Cost in USD for a number of images of a model, when the model has a price (`undefined` when the
 * provider publishes none, never a guess). `spec` comes from a model table (`ZAI_MODELS['glm-image']`),
 * `provider.models` or `client.models` (keyed 'provider:model', the configured candidates only); a
 * lookup that found nothing is an invalid_request error, not a TypeError.
 */
export function estimateCost(spec: ModelSpec | undefined, images: number): number | undefined {
  if (spec === undefined) {
    throw invalidRequest(
      'estimateCost: no model spec (the lookup found nothing). Take it from provider.models, from client.models ' +
        "(keyed 'provider:model', holding only the configured model and fallbacks), or from a table such as ZAI_MODELS",
    );
  }
  if (!Number.isInteger(images) || images < 0) {
    throw invalidRequest(`estimateCost: images must be a whole number >= 0, got ${images}`);
  }
  return costOf(spec, images).usd;
}
