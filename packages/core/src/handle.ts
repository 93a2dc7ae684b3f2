/**
 * Task handles as JSON. A handle read back from disk (or from another process)
 * is checked here before use, so a truncated or foreign file is a clear
 * invalid_request error rather than a poll of a nonsense task id.
 */
import { z } from 'zod';
import { PictorError } from './errors.ts';
import { zodError } from './request.ts';
import type { TaskHandle } from './types.ts';

/** W3C trace context `traceparent`: version-traceid-parentid-flags, lowercase hex. */
export const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

const SizeSchema = z.object({ width: z.number().int().positive(), height: z.number().int().positive() });

export const TaskHandleSchema = z.looseObject({
  version: z.literal(1),
  provider: z.string().min(1),
  model: z.string().min(1),
  taskId: z.string().min(1),
  mode: z.enum(['sync', 'async']),
  submittedAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date'),
  requestId: z.string().optional(),
  size: SizeSchema,
  quality: z.string(),
  n: z.number().int().positive(),
  warnings: z.array(z.looseObject({ type: z.string(), message: z.string() })).optional(),
  result: z.looseObject({ images: z.array(z.looseObject({ url: z.string() })) }).optional(),
  // Only for linking traces: a malformed one (a hostile or foreign file) is dropped, never fatal.
  traceparent: z.string().regex(TRACEPARENT).optional().catch(undefined),
});

/** Parses a handle from an object or a JSON string. */
export function parseTaskHandle(input: unknown): TaskHandle {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new PictorError({
        kind: 'invalid_request',
        retryable: false,
        message: 'The task handle is not valid JSON',
        cause: error,
      });
    }
  }
  const parsed = TaskHandleSchema.safeParse(value);
  if (!parsed.success) throw zodError('Invalid task handle', parsed.error);
  return parsed.data as unknown as TaskHandle;
}

/** JSON text of a handle, ready to write to a file. */
export function serializeTaskHandle(handle: TaskHandle): string {
  return JSON.stringify(handle, null, 2);
}
