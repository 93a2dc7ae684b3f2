/**
 * `@pictor/core/adapter`: the API for writing a provider adapter (packages/zai, novita, mock)
 * or an integration (ai-sdk, otel, queue, testing). An application never needs it; the types
 * and functions an application uses come from `@pictor/core`. Every export is listed by name
 * (test/public-surface.test.ts pins the list).
 */

// Building a provider: the adapter describes the wire format, createProvider does the rest
// (validation, retry, polling, events, cost).
export { createProvider } from './provider.ts';
export { httpProviderDefaults } from './provider-context.ts';
export type { ProviderDefaults } from './provider.ts';
export type { AdapterAccepted, AdapterCallContext, AdapterImage, AdapterOutput, AdapterStatus, ProviderAdapter } from './adapter.ts';
export type { PreparedRequest } from './prepare.ts';
// GLM-Image and CogView-4 as Z.AI serves them: the zai adapter and the mock both serve these rules.
export { GLM_MODEL_RULES } from './glm-models.ts';
export type { GlmModelId, ModelRules } from './glm-models.ts';

// A provider factory's options: the shared schema, its parts and its parser.
export { parseFactoryOptions, providerClientOptionsSchema } from './provider-options.ts';
export { PollOptionsSchema } from './poll-options.ts';
export { RetryOptionsSchema, RetryPolicySchema } from './retry.ts';
export { BreakerOptionsSchema } from './breaker.ts';
export { FailoverPolicySchema } from './failover.ts';

export { readEnv } from './env.ts';

// HTTP: one client per provider, and mapping a provider's errors to kinds.
export { createHttpClient, errorCode, kindForStatus, mappingByStatus, outcomeForStatus } from './http.ts';
export type { ErrorMapper, ErrorMapping, HttpClient, HttpClientOptions, HttpErrorContext, HttpRequest, HttpResponse } from './http.ts';
export { parseRetryAfter } from './retry-after.ts';
export { zodError } from './request.ts';

// Wire bodies: JSON with big integers kept, schema-checked bodies, provider timestamps.
export { parseJsonLossless } from './json.ts';
export { StringLike, parseWireBody } from './wire.ts';
export type { WireContext } from './wire.ts';
export { isoFromEpochMs, isoFromEpochSeconds } from './time.ts';

// Keeping keys out of errors, logs and snapshots.
export { REDACTED, Redactor, redactSecrets, redactValue } from './redact.ts';

// An abortable sleep (the mock's simulated latency).
export { sleep } from './sleep.ts';
