/**
 * Validation of provider factory options (createZai, createNovita, createMock,
 * a user's own). JavaScript callers and JSON config files get the same clear
 * invalid_request error naming the field, instead of a TypeError at the first call.
 */
import { z } from 'zod';
import { DurationRegistry } from './duration-registry.ts';
import { PictorError } from './errors.ts';
import type { PollOptions } from './poll.ts';
import { zodError } from './request.ts';
import { RetryOptionsSchema } from './retry.ts';

/**
 * PollOptions' fields (documented on PollOptions in poll.ts). `satisfies` makes a field added
 * there and missing here (or the reverse) a type error, so the two cannot drift.
 */
const pollShape = {
  typicalDurationMs: z.number().positive().optional(),
  firstDelayMs: z.number().min(0).optional(),
  firstDelayRatio: z.number().min(0).optional(),
  intervalMs: z.number().min(0).optional(),
  intervalRatio: z.number().min(0).optional(),
  minIntervalMs: z.number().min(0).optional(),
  maxIntervalMs: z.number().min(0).optional(),
  factor: z.number().optional(),
  jitter: z.number().min(0).max(1).optional(),
  timeoutMs: z.number().min(0).optional(),
  etaMarginMs: z.number().min(0).optional(),
  maxEtaWaitMs: z.number().min(0).optional(),
  targetP50Ratio: z.number().min(0).optional(),
  targetP50Ms: z.number().min(0).optional(),
  targetP90Ratio: z.number().min(0).optional(),
  targetP90Ms: z.number().min(0).optional(),
  tailQuantile: z.number().gt(0).lt(1).optional(),
  tailRatio: z.number().min(0).optional(),
} satisfies Record<keyof PollOptions, z.ZodType>;

/** The `poll` option: a strict object, so a misspelt setting is refused instead of ignored. */
export const PollOptionsSchema: z.ZodType<PollOptions, PollOptions> = z.object(pollShape).strict();

/** The fields every HTTP adapter accepts. Extend it with `.extend({...})`. */
export const providerClientOptionsSchema = z
  .object({
    /**
     * The provider's API key; a missing key fails at call time, not at import.
     * @default the provider's environment variable (ZAI_API_KEY, NOVITA_API_KEY, …)
     */
    apiKey: z.string().min(1, 'apiKey must not be empty').optional(),
    /**
     * Overrides the provider's base URL (e.g. the Pictor emulator).
     * @default the provider's documented API URL
     */
    baseURL: z.url({ protocol: /^https?$/, error: 'baseURL must be an http(s) URL' }).optional(),
    /**
     * Extra headers sent with every API request (never with image downloads).
     * @default {}
     */
    headers: z.record(z.string(), z.string()).optional(),
    /**
     * The fetch implementation (a proxy agent, a test double).
     * @default globalThis.fetch
     */
    fetch: z.custom<typeof globalThis.fetch>((v) => typeof v === 'function', 'fetch must be a function').optional(),
    /**
     * Per-request timeout in ms, for the response headers and again for the body.
     * @default 60000 (Z.AI: 180000 for a sync generation)
     */
    timeoutMs: z.number().int().positive().max(2_147_483_647).optional(),
    /**
     * Largest API response body read, in decoded bytes (after gzip): a larger body is cancelled
     * while it streams and the call fails with `invalid_response` (a submit's outcome then unknown).
     * @default 8388608 (8 MiB)
     */
    maxResponseBytes: z.number().int().positive('maxResponseBytes must be a positive number of bytes').optional(),
    /**
     * Allow a plain-http `baseURL` that is not loopback (the key then travels unencrypted).
     * Without it such a baseURL is an `invalid_request` when the provider is created.
     * @default false
     */
    allowInsecure: z.boolean().optional(),
    /**
     * Stage-scoped retry policies for this provider.
     * @default DEFAULT_RETRY
     */
    retry: RetryOptionsSchema.optional(),
    /**
     * Polling settings for waits on this provider.
     * @default DEFAULT_POLL, scaled by each model's typical duration
     */
    poll: PollOptionsSchema.optional(),
    /**
     * Turn 'unsupported' warnings into invalid_request errors.
     * @default false
     */
    strict: z.boolean().optional(),
    /**
     * Learned task durations that plan the polling; pass one to share what several clients learn.
     * @default a new DurationRegistry per provider instance
     */
    durations: z.custom<DurationRegistry>((v) => v instanceof DurationRegistry, 'durations must be a DurationRegistry').optional(),
  })
  .strict();

/** What every HTTP adapter's factory accepts (createZai, createNovita, a user's own). */
export type ProviderClientOptions = z.input<typeof providerClientOptionsSchema>;

/** Parses factory options with a schema; a failure is an invalid_request error naming each bad field. */
export function parseFactoryOptions<T>(schema: z.ZodType<T>, input: unknown, provider: string): T {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw zodError(`Invalid options for ${provider}`, parsed.error, provider);
}
