/**
 * Validation of provider factory options (createZai, createNovita, createMock,
 * a user's own). JavaScript callers and JSON config files get the same clear
 * invalid_request error naming the field, instead of a TypeError at the first call.
 */
import { z } from 'zod';
import { DurationRegistry } from './duration-registry.ts';
import { PictorError } from './errors.ts';
import { zodError } from './request.ts';

const policy = z
  .object({
    retries: z.number().int().min(0).optional(),
    minDelayMs: z.number().min(0).optional(),
    maxDelayMs: z.number().min(0).optional(),
    maxRetryAfterMs: z.number().min(0).optional(),
    shouldRetry: z.custom<(error: PictorError) => boolean>((v) => typeof v === 'function', 'must be a function').optional(),
  })
  .strict();

/** The fields every HTTP adapter accepts: see ProviderClientOptions. Extend it with `.extend({...})`. */
export const providerClientOptionsSchema = z
  .object({
    apiKey: z.string().min(1, 'apiKey must not be empty').optional(),
    baseURL: z.url({ protocol: /^https?$/, error: 'baseURL must be an http(s) URL' }).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    fetch: z.custom<typeof globalThis.fetch>((v) => typeof v === 'function', 'fetch must be a function').optional(),
    timeoutMs: z.number().int().positive().max(2_147_483_647).optional(),
    maxResponseBytes: z.number().int().positive('maxResponseBytes must be a positive number of bytes').optional(),
    allowInsecure: z.boolean().optional(),
    retry: z.object({ submit: policy.optional(), status: policy.optional() }).strict().optional(),
    poll: z.record(z.string(), z.number()).optional(),
    strict: z.boolean().optional(),
    durations: z.custom<DurationRegistry>((v) => v instanceof DurationRegistry, 'durations must be a DurationRegistry').optional(),
  })
  .strict();

/** Parses factory options with a schema; a failure is an invalid_request error naming each bad field. */
export function parseFactoryOptions<T>(schema: z.ZodType<T>, input: unknown, provider: string): T {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw zodError(`Invalid options for ${provider}`, parsed.error, provider);
}
