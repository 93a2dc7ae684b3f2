/**
 * `providerOptions.pictor`: the Pictor request fields and call options the AI
 * SDK's generateImage has no parameter for. Every other namespace
 * (`providerOptions.zai`, `providerOptions.novita`, …) is passed to Pictor as is,
 * where each provider validates its own.
 */
import { PollOptionsSchema } from '@pictor/core/adapter';
import { z } from 'zod';

/** Core's own poll schema: one definition of the poll options, strict (a misspelt setting is refused). */
const pollSchema = PollOptionsSchema;

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
