/**
 * `providerOptions.pictor`: the Pictor request fields and call options the AI
 * SDK's generateImage has no parameter for. Every other namespace
 * (`providerOptions.zai`, `providerOptions.novita`, …) is passed to Pictor as is,
 * where each provider validates its own.
 */
import type { PollOptions } from '@pictor/core';
import { z } from 'zod';

const pollSchema = z
  .object({
    firstDelayMs: z.number().min(0),
    firstDelayRatio: z.number().min(0),
    intervalMs: z.number().min(0),
    intervalRatio: z.number().min(0),
    minIntervalMs: z.number().min(0),
    maxIntervalMs: z.number().min(0),
    factor: z.number().min(1),
    jitter: z.number().min(0).max(1),
    timeoutMs: z.number().int().positive(),
    etaMarginMs: z.number().min(0),
    maxEtaWaitMs: z.number().min(0),
    typicalDurationMs: z.number().positive(),
    readQuantile: z.number().gt(0).lt(1),
    spacingRatio: z.number().min(0),
    spacingMs: z.number().min(0),
    tailQuantile: z.number().gt(0).lt(1),
    tailRatio: z.number().min(0),
  })
  .partial()
  .strict();

/** Core's PollOptions interface is the source: this fails to compile when the schema's keys drift from it. */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
const pollKeysMatchCore: SameKeys<z.infer<typeof pollSchema>, PollOptions> = true;
void pollKeysMatchCore;

export const pictorCallOptionsSchema = z
  .object({
    /** 'sync' or 'async' where the model has both. @default the model's defaultMode (async for glm-image) */
    mode: z.enum(['sync', 'async']).optional(),
    /** @default the model's defaultQuality */
    quality: z.string().min(1).optional(),
    /** End-user id, for providers that take one. @default none */
    userId: z.string().optional(),
    /** @default the provider's default */
    watermark: z.boolean().optional(),
    /** Refuse (instead of warn about) settings the model can't honour. @default false */
    strict: z.boolean().optional(),
    /** Polling of async tasks (see core's PollOptions). @default core's DEFAULT_POLL */
    poll: pollSchema.optional(),
  })
  .strict();

export type PictorCallOptions = z.infer<typeof pictorCallOptionsSchema>;
