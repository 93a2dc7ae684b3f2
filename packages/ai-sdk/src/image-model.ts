/**
 * One Pictor route ('provider:model', with the client's configured fallbacks
 * behind it) as an AI SDK image model (specification v4).
 */
import { UnsupportedFunctionalityError, type ImageModelV4, type ImageModelV4CallOptions, type ImageModelV4Result } from '@ai-sdk/provider';
import { toPictorError, type DownloadOptions, type ImageClient, type ImageRequest, type ImageResult, type PictorEventListener } from '@pictor/core';
import { zodError } from '@pictor/core/adapter';
// Node: DNS-checked, pinned connections; elsewhere: core's literal-host check (package.json `imports`).
import { downloadImage } from '#image-download';
import { callHeaders, withCallScope, type CallScope } from './call-scope.ts';
import { pictorMetadata } from './metadata.ts';
import { pictorCallOptionsSchema, type PictorCallOptions } from './options.ts';
import { toSdkError } from './to-sdk-error.ts';
import { toSdkWarning } from './warnings.ts';

/** What createPictor gives each model; build models with `createPictor(...).imageModel(id)`. */
export interface PictorImageModelSettings {
  /** The client whose route ('provider:model' plus its fallbacks) the model runs. */
  readonly client: ImageClient;
  /** Most images one call may ask for: the smallest limit along the route. */
  readonly maxImagesPerCall: number;
  /** Image download limits. @default core's download defaults (50 MiB, 60 s) */
  readonly download?: Omit<DownloadOptions, 'signal'> | undefined;
  /** Receives each call's Pictor events. @default none */
  readonly onEvent?: PictorEventListener | undefined;
}

export class PictorImageModel implements ImageModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider = 'pictor';
  readonly modelId: string;
  readonly maxImagesPerCall: number;
  /** Pictor generates from text only: image inputs are refused rather than ignored. */
  readonly supportsFileInputs = false;
  readonly supportsMaskInputs = false;
  readonly #settings: PictorImageModelSettings;

  constructor(modelId: string, settings: PictorImageModelSettings) {
    this.modelId = modelId;
    this.maxImagesPerCall = settings.maxImagesPerCall;
    this.#settings = settings;
  }

  async doGenerate(options: ImageModelV4CallOptions): Promise<ImageModelV4Result> {
    if ((options.files?.length ?? 0) > 0 || options.mask) {
      throw new UnsupportedFunctionalityError({
        functionality: 'image inputs (files/mask)',
        message: `Pictor's ${this.modelId} generates from a text prompt only; image editing is not supported`,
      });
    }
    const call: CallScope = { headers: callHeaders(options.headers) };
    try {
      const request = this.toRequest(options);
      const pictor = request.pictor;
      const result = await withCallScope(call, () =>
        this.#settings.client.generate(request.request, {
          signal: options.abortSignal,
          onEvent: this.#settings.onEvent,
          strict: pictor.strict,
          poll: pictor.poll,
        }),
      );
      const images = await this.bytesOf(result, options.abortSignal);
      return {
        images,
        warnings: result.warnings.map(toSdkWarning),
        providerMetadata: pictorMetadata(result),
        response: {
          timestamp: new Date(result.createdAt),
          modelId: `${result.provider}:${result.model}`,
          headers: call.responseHeaders,
        },
      };
    } catch (error) {
      throw toSdkError(error, this.modelId, options.prompt);
    }
  }

  /** The Pictor request: the SDK's settings, `providerOptions.pictor`, and every other namespace as is. */
  private toRequest(options: ImageModelV4CallOptions): { request: ImageRequest; pictor: PictorCallOptions } {
    const { pictor: raw, ...namespaces } = options.providerOptions ?? {};
    const parsed = pictorCallOptionsSchema.safeParse(raw ?? {});
    if (!parsed.success) throw zodError('Invalid providerOptions.pictor', parsed.error, 'pictor');
    const pictor = parsed.data;
    const request: ImageRequest = {
      model: this.modelId,
      prompt: options.prompt ?? '',
      n: options.n,
      ...(options.size !== undefined ? { size: options.size } : {}),
      ...(options.aspectRatio !== undefined ? { aspectRatio: options.aspectRatio } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(pictor.mode !== undefined ? { mode: pictor.mode } : {}),
      ...(pictor.quality !== undefined ? { quality: pictor.quality } : {}),
      ...(pictor.userId !== undefined ? { userId: pictor.userId } : {}),
      ...(pictor.watermark !== undefined ? { watermark: pictor.watermark } : {}),
      ...(Object.keys(namespaces).length > 0 ? { providerOptions: namespaces as ImageRequest['providerOptions'] } : {}),
    };
    return { request, pictor };
  }

  /**
   * Bytes through core's guarded download (http(s)/data: only, size cap, image
   * content type, no credentials; in Node every resolved address is checked and the
   * connection pinned to it). The images are paid for by now: a failed
   * download must not make the SDK generate them again, so its error names the
   * URLs and is never retryable.
   */
  private async bytesOf(result: ImageResult, signal: AbortSignal | undefined): Promise<Uint8Array[]> {
    try {
      return await Promise.all(result.images.map(async (image) => (await downloadImage(image, { ...this.#settings.download, signal })).bytes));
    } catch (error) {
      const pictorError = toPictorError(error, result.provider);
      if (pictorError.kind === 'aborted') throw pictorError;
      // Whole URLs in details (a signed URL cut short no longer works); shortened only in the message.
      const urls = result.images.map((image) => image.url);
      const shown = urls.map((url) => (url.length > 200 ? `${url.slice(0, 200)}…` : url));
      throw pictorError.with({
        message: `${pictorError.message}. The images were generated and paid for (${shown.join(', ')}): fetch them from error.details.urls rather than generating again`,
        retryable: false,
        details: { ...pictorError.details, urls },
      });
    }
  }
}
