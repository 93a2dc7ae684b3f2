/**
 * Task handles as JSON. A handle read back from disk (or from another process)
 * is untrusted input: it is checked here, strictly, before use. A truncated,
 * foreign or tampered file is an invalid_request error naming the bad field,
 * never a poll of a nonsense task id nor a result taken on faith: only a sync
 * handle may carry a result (that is how a sync call is resumed), and that result
 * must be of the same provider and model, with http(s) or data: image URLs.
 */
import { z } from 'zod';
import { invalidRequest } from './errors.ts';
import { zodError } from './request.ts';
import type { TaskHandle } from './types.ts';

/** W3C trace context `traceparent`: version-traceid-parentid-flags, lowercase hex. */
export const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

/** Provider and model ids end up in file names and URLs: a conservative alphabet. */
const Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][\w.-]*$/, 'must be letters, digits, ".", "_" or "-"');
/** Provider task ids: printable ASCII, no spaces (the mock's encode the prompt, hence the length). */
const TaskId = z.string().min(1).max(65_536).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
const IsoDate = z.string().max(64).refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date');
const Count = z.number().int().min(0).max(1_000_000);
const SizeSchema = z.strictObject({ width: z.number().int().positive().max(100_000), height: z.number().int().positive().max(100_000) });
const WarningSchema = z.strictObject({
  type: z.enum(['unsupported', 'adjusted', 'skipped', 'other']),
  feature: z.string().max(256).optional(),
  message: z.string().max(4096),
});

const ImageSchema = z.strictObject({
  url: z.string().regex(/^(https?:\/\/|data:)/i, 'must be an http(s) or data: URL'),
  mediaType: z.string().max(128).optional(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  expiresAt: IsoDate.optional(),
});

export const ImageResultSchema = z.strictObject({
  provider: Id,
  model: Id,
  images: z.array(ImageSchema).min(1).max(100),
  size: SizeSchema,
  quality: z.string().max(64),
  taskId: TaskId.optional(),
  requestId: z.string().max(1024).optional(),
  createdAt: IsoDate,
  contentFilter: z.array(z.strictObject({ role: z.string().max(64), level: z.number() })).max(100).optional(),
  warnings: z.array(WarningSchema).max(100),
  cost: z.strictObject({
    images: Count,
    basis: z.enum(['published', 'configured', 'unknown']),
    usdPerImage: z.number().min(0).optional(),
    usd: z.number().min(0).optional(),
  }),
  timings: z.strictObject({ submittedAt: IsoDate, completedAt: IsoDate, statusRequests: Count, attempts: Count }),
  raw: z.unknown(),
});

export const TaskHandleSchema = z
  .strictObject({
    version: z.literal(1),
    provider: Id,
    model: Id,
    taskId: TaskId,
    mode: z.enum(['sync', 'async']),
    submittedAt: IsoDate,
    requestId: z.string().max(1024).optional(),
    size: SizeSchema,
    quality: z.string().max(64),
    n: z.number().int().positive().max(100),
    warnings: z.array(WarningSchema).max(100).optional(),
    result: ImageResultSchema.optional(),
    // Only for linking traces: a malformed one (a hostile or foreign file) is dropped, never fatal.
    traceparent: z.string().regex(TRACEPARENT).optional().catch(undefined),
  })
  .superRefine((handle, ctx) => {
    const { result } = handle;
    if (!result) return;
    // An async handle is resumed by polling the provider; a result on it would be trusted blindly.
    if (handle.mode !== 'sync') ctx.addIssue({ code: 'custom', path: ['result'], message: 'only a sync handle carries a result' });
    if (result.provider !== handle.provider) ctx.addIssue({ code: 'custom', path: ['result', 'provider'], message: `must be the handle's provider "${handle.provider}"` });
    if (result.model !== handle.model) ctx.addIssue({ code: 'custom', path: ['result', 'model'], message: `must be the handle's model "${handle.model}"` });
  });

/** A sync handle carries its result, whose images may be data: URLs (the mock's): a few MiB at most. */
export const MAX_HANDLE_JSON_LENGTH = 64 * 1024 * 1024;

/** Parses a handle from an object or a JSON string; anything off is an invalid_request naming the field. */
export function parseTaskHandle(input: unknown): TaskHandle {
  let value = input;
  if (typeof input === 'string') {
    if (input.length > MAX_HANDLE_JSON_LENGTH) {
      throw invalidRequest(`The task handle is ${input.length} characters, more than a handle can be (${MAX_HANDLE_JSON_LENGTH}): not a Pictor handle`);
    }
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw invalidRequest(`The task handle is not valid JSON: ${(error as Error).message.slice(0, 200)}`);
    }
  }
  const parsed = TaskHandleSchema.safeParse(value);
  if (!parsed.success) throw zodError('Invalid task handle', parsed.error);
  return parsed.data as TaskHandle;
}

/** JSON text of a handle, ready to write to a file. */
export function serializeTaskHandle(handle: TaskHandle): string {
  return JSON.stringify(handle, null, 2);
}
