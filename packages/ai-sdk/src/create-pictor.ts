/**
 * createPictor: Pictor as an AI SDK provider. `pictor.imageModel('zai:glm-image')`
 * is the route the Pictor client would take for that model — the model first,
 * then the configured fallbacks — with Pictor's validation, async tasks, polling,
 * failover and breakers underneath the SDK's generateImage.
 */
import { NoSuchModelError, type ImageModelV3, type ProviderV4 } from '@ai-sdk/provider';
import { createImageClient, type ClientConfig, type DownloadOptions, type ImageClient, type PictorEventListener, type ProviderRegistry } from '@pictor/core';
import { builtInProviders, defaultClientConfig } from 'pictor';
import { scopeRegistry } from './call-scope.ts';
import { PictorImageModel } from './image-model.ts';
import { asImageModelV3 } from './v3.ts';

/**
 * The Pictor client config (`model`, `fallbacks`, `providers`, `failover`, as for
 * createImageClient) plus what only this integration needs.
 */
export interface PictorProviderSettings extends Partial<ClientConfig> {
  /** Providers besides the built-in zai, novita and mock (a user's own adapters, `fromAiSdk(...)`). @default {} */
  readonly registry?: ProviderRegistry | undefined;
  /** Limits of the image download (size cap, timeout, fetch). @default core's download defaults (50 MiB, 60 s) */
  readonly download?: Omit<DownloadOptions, 'signal'> | undefined;
  /** Receives the Pictor lifecycle events of every call (submitted, status, retry, failover…). @default none */
  readonly onEvent?: PictorEventListener | undefined;
}

export interface PictorProvider extends ProviderV4 {
  imageModel(modelId: string): PictorImageModel;
  (modelId: string): PictorImageModel;
  /** The same model as specification v3, for AI SDK 6's generateImage. */
  imageModelV3(modelId: string): ImageModelV3;
  /** The Pictor client underneath: resume a handle from an error (`client.wait(handle)`), read breakers. */
  readonly client: ImageClient;
}

const MODEL_REF = /^[\w.-]+:[\w.-]+$/;

/**
 * `model` defaults to pictor's defaultClientConfig(): Z.AI, else Novita, by the keys in the
 * environment, else the keyless mock (its fallbacks too, when `model` is not given).
 */
export function createPictor(settings: PictorProviderSettings = {}): PictorProvider {
  const { registry: extra, download, onEvent, ...config } = settings;
  const registry = scopeRegistry({ ...builtInProviders, ...extra });
  const client = createImageClient(config.model === undefined ? { ...defaultClientConfig().config, ...config } : (config as ClientConfig), registry);

  const imageModel = (modelId: string): PictorImageModel => {
    const fullId = modelId.includes(':') ? modelId : `${client.candidates[0]?.split(':')[0]}:${modelId}`;
    assertKnown(fullId);
    return new PictorImageModel(fullId, {
      client,
      maxImagesPerCall: maxImagesPerCall(fullId),
      download,
      onEvent,
    });
  };

  /** Refuses at once a provider that is not registered, or a model its built provider does not have. */
  const assertKnown = (fullId: string): void => {
    const [providerId, model] = fullId.split(':') as [string, string];
    // Own properties only: 'constructor:x' must not find Object.prototype.constructor.
    const known = MODEL_REF.test(fullId) && Object.hasOwn(registry, providerId);
    const provider = builtProvider(providerId);
    if (known && (!provider || Object.hasOwn(provider.models, model))) return;
    const available = Object.entries(client.providers).flatMap(([id, p]) => Object.keys(p.models).map((m) => `${id}:${m}`));
    throw new NoSuchModelError({
      modelId: fullId,
      modelType: 'imageModel',
      message: `Pictor has no image model "${fullId}": use "provider:model" with a provider of ${Object.keys(registry).join(', ')}; configured: ${available.join(', ')}`,
    });
  };

  const builtProvider = (id: string) => (Object.hasOwn(client.providers, id) ? client.providers[id] : undefined);

  /** The smallest limit along the route, so that every candidate can serve each call the SDK makes. */
  const maxImagesPerCall = (fullId: string): number => {
    // A provider the config does not name is built at the first call: until then its limit is
    // unknown, and one image per call is the request every model accepts.
    if (!builtProvider(fullId.split(':')[0] as string)) return 1;
    const route = [fullId, ...client.candidates.slice(1).filter((ref) => ref !== fullId)];
    const limits = route.flatMap((ref) => {
      const [id, name] = ref.split(':') as [string, string];
      const spec = builtProvider(id)?.models[name];
      return spec ? [spec.maxImagesPerCall] : [];
    });
    return Math.min(...limits);
  };

  const noSuch = (modelType: 'languageModel' | 'embeddingModel') => (modelId: string) => {
    throw new NoSuchModelError({ modelId, modelType, message: `Pictor provides image models only, not ${modelType}s` });
  };

  return Object.assign((modelId: string) => imageModel(modelId), {
    specificationVersion: 'v4' as const,
    imageModel,
    imageModelV3: (modelId: string) => asImageModelV3(imageModel(modelId)),
    languageModel: noSuch('languageModel'),
    embeddingModel: noSuch('embeddingModel'),
    client,
  });
}
