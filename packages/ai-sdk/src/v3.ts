/**
 * The same model for AI SDK 6, which accepts only specification 'v3' (and 'v2')
 * and checks `specificationVersion` before calling the model: one object cannot
 * declare both, so AI SDK 6 gets a view with 'v3' that delegates to the v4 model.
 * v3's call options are v4's; its results have no `isRetryable` and its warnings
 * no 'deprecated' kind (Pictor produces neither).
 */
import type { ImageModelV3, ImageModelV4, SharedV3Warning, SharedV4Warning } from '@ai-sdk/provider';

const toV3Warning = (warning: SharedV4Warning): SharedV3Warning =>
  warning.type === 'deprecated' ? { type: 'other', message: `${warning.setting}: ${warning.message}` } : warning;

export function asImageModelV3(model: ImageModelV4): ImageModelV3 {
  return {
    specificationVersion: 'v3',
    provider: model.provider,
    modelId: model.modelId,
    maxImagesPerCall: model.maxImagesPerCall,
    async doGenerate(options) {
      const { isRetryable: _unused, warnings, ...result } = await model.doGenerate(options);
      return { ...result, warnings: warnings.map(toV3Warning) };
    },
  };
}
