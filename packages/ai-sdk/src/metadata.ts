/**
 * `providerMetadata.pictor` for one doGenerate call. The SDK merges only the
 * `images` array across the calls of one generateImage (other keys stay on
 * `result.calls[i].providerMetadata`), so each image entry repeats what a user
 * needs per image: where it is, until when, which task and request made it.
 */
import type { ImageModelV4ProviderMetadata, JSONObject } from '@ai-sdk/provider';
import type { FailoverResult, ImageResult } from '@pictor/core';

/** JSON has no undefined: absent values become null so they survive serialisation. */
const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

export function pictorMetadata(result: ImageResult | FailoverResult): ImageModelV4ProviderMetadata {
  const common = {
    provider: result.provider,
    model: result.model,
    taskId: orNull(result.taskId),
    requestId: orNull(result.requestId),
  };
  const images: JSONObject[] = result.images.map((image) => ({
    ...common,
    // A data: URL (the mock, fromAiSdk models) would repeat the bytes the SDK already holds.
    url: image.url.startsWith('data:') ? null : image.url,
    expiresAt: orNull(image.expiresAt),
    mediaType: orNull(image.mediaType),
    width: image.width,
    height: image.height,
  }));
  const route = 'route' in result ? result.route.map((step) => ({ candidate: step.candidate, outcome: step.outcome, reason: orNull(step.reason) })) : [];
  return {
    pictor: {
      images,
      ...common,
      createdAt: result.createdAt,
      size: `${result.size.width}x${result.size.height}`,
      quality: result.quality,
      cost: { images: result.cost.images, usd: orNull(result.cost.usd) },
      route,
      timings: { ...result.timings },
      warnings: result.warnings.map((w) => ({ type: w.type, feature: orNull(w.feature), message: w.message })),
    },
  };
}
