/**
 * `@pictor/core`: what an application uses. Every export is listed by name so that growing
 * the public surface is a visible decision (test/public-surface.test.ts pins it). What a
 * provider adapter or an integration needs lives behind `@pictor/core/adapter`
 * (adapter-api.ts); Node-only helpers behind `@pictor/core/node`. Everything else is internal.
 */

// The client: one object from configuration, with failover between models.
export { ClientConfigSchema, createImageClient, parseClientConfig } from './client.ts';
export type { ClientConfig, ImageClient, ProviderFactory, ProviderRegistration, ProviderRegistry } from './client.ts';
export { DEFAULT_FAILOVER_ON, failover } from './failover.ts';
export type { FailoverCandidate, FailoverPolicy, FailoverProvider, FailoverResult, RouteStep } from './failover.ts';
export type { BreakerOptions, BreakerSnapshot, BreakerState } from './breaker.ts';

// The contract every provider fulfils and the plain data that crosses it.
export type {
  CallOptions,
  ContentFilterEntry,
  Cost,
  CostBasis,
  GeneratedImage,
  ImageProvider,
  ImageResult,
  Mode,
  ModelSpec,
  TaskHandle,
  TaskState,
  TaskStatus,
  WaitOptions,
  Warning,
} from './types.ts';
export type { ProviderClientOptions } from './provider-options.ts';

// Requests: the schema every request goes through.
export { ImageRequestSchema, MAX_PROMPT_LENGTH, parseImageRequest } from './request.ts';
export type { ImageRequest, ParsedImageRequest } from './request.ts';

// Errors: one class, a closed list of kinds.
export { ERROR_KINDS, PictorError, isPictorError, toPictorError } from './errors.ts';
// Errors of the kinds an application (or a CLI) raises itself, with each kind's default retryability.
export { invalidRequest, invalidResponse, notFound, taskFailed } from './errors.ts';
export type { ErrorKind, PictorErrorExtra, PictorErrorOptions, SubmitOutcome } from './errors.ts';

// Sizes: checking, snapping and resolving sizes against a model's rule.
export {
  COGVIEW_4_SIZES,
  GLM_IMAGE_SIZES,
  checkSize,
  describeRule,
  formatSize,
  isPreset,
  isValidSize,
  nearestValidSizes,
  parseAspectRatio,
  parseSize,
  resolveAspectRatio,
  snapSize,
  validateSize,
} from './sizes.ts';
export type { Size, SizeRule, SizeRuleName, SizeViolation } from './sizes.ts';

// Cost: estimates before a call, prices configured per deployment.
export { estimateCost } from './prepare.ts';
export { PriceSchema, formatCost } from './cost.ts';
export type { Price, PriceTable } from './cost.ts';

// Task handles: resuming a task in another process.
export { ImageResultSchema, TaskHandleSchema, parseTaskHandle, serializeTaskHandle } from './handle.ts';

// Downloading generated images (with the SSRF policy).
export { download } from './download.ts';
export type { DownloadedImage } from './download.ts';
export { DEFAULT_DOWNLOAD_TIMEOUT_MS, DEFAULT_MAX_DOWNLOAD_BYTES, DEFAULT_MAX_REDIRECTS } from './download-policy.ts';
export type { DownloadOptions, HostLookup } from './download-policy.ts';

// Polling and retry settings (ProviderClientOptions.poll / .retry).
export { DEFAULT_POLL, POLL_PRESETS } from './poll.ts';
export type { PollOptions } from './poll.ts';
// Learned task durations that plan the reads: save, load and share them (ProviderClientOptions.durations).
export { DurationRegistry } from './duration-registry.ts';
export type { DurationRegistrySnapshot } from './duration-registry.ts';
export { DurationSketch } from './durations.ts';
export type { DurationSketchSnapshot } from './durations.ts';
export { DEFAULT_RETRY, defaultShouldRetry } from './retry.ts';
export type { RetryOptions, RetryPolicy, RetryStage } from './retry.ts';

// Events: what a listener (logs, metrics, traces) receives.
export { collectEvents } from './events.ts';
export type { PictorEvent, PictorEventListener, PictorEventType } from './events.ts';

// Client-side limits (client config `limits`).
export { LimitSchema, LimitsSchema } from './limits.ts';
export type { Limit, LimitsConfig } from './limits.ts';
