/**
 * fromAiSdk: any AI SDK image model (OpenAI, fal, Replicate, Google, an
 * OpenAI-compatible endpoint…) as a Pictor ImageProvider, built on core's
 * createProvider like every adapter: Pictor's validation, stage-aware retries,
 * events, failover, breaker and CLI then work across every AI SDK provider.
 * The model is called in sync mode (one doGenerate per generation).
 */
import type { ImageModelV4 } from '@ai-sdk/provider';
import type { ImageProvider, ModelSpec, SizeRule } from '@pictor/core';
import { createProvider, type AdapterOutput, type ProviderAdapter, type ProviderDefaults } from '@pictor/core/adapter';
import { fromSdkError } from './from-sdk-error.ts';
import { toDataUrl } from './media-type.ts';
import { fromSdkWarning } from './warnings.ts';

export interface FromAiSdkSpec {
  /** The Pictor provider id (in 'provider:model' refs and events). @default the SDK provider name up to its first dot ('openai.image' → 'openai') */
  readonly id?: string | undefined;
  /**
   * The model's size rule, checked before any request; 'unchecked' sends any WxH and lets the model refuse.
   * @default 'unchecked'
   */
  readonly sizes?: SizeRule | 'unchecked' | undefined;
  /** The size sent when a request gives neither size nor aspect ratio, with 'unchecked' sizes. @default '1024x1024' */
  readonly defaultSize?: string | undefined;
  /** @default the model's own maxImagesPerCall when it is a number, else 1 */
  readonly maxImagesPerCall?: number | undefined;
  /** USD per image, for Pictor's cost estimates. @default unknown */
  readonly pricePerImageUsd?: number | undefined;
  /** Whether the model takes a seed (the SDK model warns itself when it ignores one). @default true */
  readonly supportsSeed?: boolean | undefined;
  /** How long a generation usually takes. @default 10000 */
  readonly typicalDurationMs?: number | undefined;
  /** The AI SDK providerOptions key `providerOptions[id]` is passed under. @default the provider id */
  readonly providerOptionsKey?: string | undefined;
  /** Pictor retry and strictness defaults for this provider. @default core's */
  readonly defaults?: ProviderDefaults | undefined;
}

/** A size rule that accepts every WxH up to 16384 px a side. */
export function uncheckedSizes(defaultSize = '1024x1024'): SizeRule {
  return { min: 1, max: 16_384, multipleOf: 1, maxPixels: 16_384 * 16_384, presets: [], default: defaultSize };
}

export function fromAiSdk(model: ImageModelV4, spec: FromAiSdkSpec = {}): ImageProvider {
  const id = spec.id ?? model.provider.split('.')[0] ?? model.provider;
  const optionsKey = spec.providerOptionsKey ?? id;
  const modelSpec: ModelSpec = {
    id: model.modelId,
    sizes: spec.sizes === undefined || spec.sizes === 'unchecked' ? uncheckedSizes(spec.defaultSize) : spec.sizes,
    // The SDK's image call has no quality setting: one quality, so any other is refused, not dropped.
    qualities: ['standard'],
    defaultQuality: 'standard',
    modes: ['sync'],
    defaultMode: 'sync',
    maxImagesPerCall: spec.maxImagesPerCall ?? (typeof model.maxImagesPerCall === 'number' ? model.maxImagesPerCall : 1),
    maxPromptLength: 32_000,
    pricePerImageUsd: spec.pricePerImageUsd,
    typicalDurationMs: spec.typicalDurationMs ?? 10_000,
    supports: { seed: spec.supportsSeed ?? true, watermark: false, userId: false },
  };

  const adapter: ProviderAdapter = {
    id,
    models: { [model.modelId]: modelSpec },
    async generateSync(request, context): Promise<AdapterOutput> {
      const namespace = request.providerOptions;
      try {
        const result = await model.doGenerate({
          prompt: request.prompt,
          n: request.n,
          size: `${request.size.width}x${request.size.height}`,
          aspectRatio: undefined,
          seed: request.seed,
          files: undefined,
          mask: undefined,
          providerOptions: Object.keys(namespace).length > 0 ? { [optionsKey]: namespace as Record<string, never> } : {},
          abortSignal: context.signal,
        });
        const images = (result.images as (string | Uint8Array)[]).map(toDataUrl);
        // The images exist (and are paid for) by now: a sloppy model's missing warnings or bad
        // timestamp must not turn them into a failure.
        const timestamp = result.response?.timestamp;
        return {
          images,
          createdAt: timestamp instanceof Date && !Number.isNaN(timestamp.getTime()) ? timestamp.toISOString() : undefined,
          warnings: (result.warnings ?? []).map(fromSdkWarning),
          raw: { response: { modelId: result.response?.modelId, headers: result.response?.headers }, providerMetadata: result.providerMetadata, usage: result.usage },
        };
      } catch (error) {
        throw fromSdkError(error, id);
      }
    },
  };
  return createProvider(adapter, spec.defaults);
}
