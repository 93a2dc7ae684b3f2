/**
 * Z.AI's wire format as zod schemas. Parsed leniently on purpose: real bodies
 * deviate from the docs (numbers as strings, missing fields, extra fields,
 * model names in another case), so only what Pictor needs is required.
 */
import { StringLike } from '@pictor/core/adapter';
import { z } from 'zod';

const OptionalString = StringLike.optional().catch(undefined);

export const SyncImageResponse = z.looseObject({
  created: z.coerce.number().optional().catch(undefined),
  data: z.array(z.looseObject({ url: z.string().optional().catch(undefined), b64_json: z.string().optional().catch(undefined) })).catch([]).optional(),
  content_filter: z
    .array(z.looseObject({ role: z.string().catch('unknown'), level: z.coerce.number().catch(-1) }))
    .optional()
    .catch(undefined),
  request_id: OptionalString,
  id: OptionalString,
});

/**
 * The sync body as the docs describe it, every field of its documented type and no fallbacks: about
 * half the parse cost of SyncImageResponse (no catch, coerce or union wrappers per field), tried
 * first on every sync generation. A body it refuses is not an error: it is parsed again by the
 * lenient SyncImageResponse, which has the last word; a body both accept parses to the same value.
 */
export const SyncImageResponseExact = z.looseObject({
  created: z.number().optional(),
  data: z.array(z.looseObject({ url: z.string().optional(), b64_json: z.string().optional() })).optional(),
  content_filter: z.array(z.looseObject({ role: z.string(), level: z.number() })).optional(),
  request_id: z.string().optional(),
  id: z.string().optional(),
});

export const AsyncSubmitResponse = z.looseObject({
  id: StringLike,
  request_id: OptionalString,
  model: OptionalString,
  task_status: OptionalString,
});

export const AsyncResultResponse = z.looseObject({
  task_status: z.string(),
  model: OptionalString,
  request_id: OptionalString,
  image_result: z.array(z.looseObject({ url: z.string().optional().catch(undefined), b64_json: z.string().optional().catch(undefined) })).optional().catch([]),
  message: OptionalString,
  error: z.unknown().optional(),
});

/** Every documented error body shape: {error:{code,message}}, {code,message}, {code,msg}, {error:"text",code}. */
export const ErrorBody = z.looseObject({
  error: z.union([z.looseObject({ code: OptionalString, message: OptionalString }), z.string()]).optional().catch(undefined),
  code: OptionalString,
  message: OptionalString,
  msg: OptionalString,
});

export interface ZaiRequestBody {
  model: string;
  prompt: string;
  size: string;
  quality: string;
  user_id?: string;
  watermark_enabled?: boolean;
  request_id?: string;
}
