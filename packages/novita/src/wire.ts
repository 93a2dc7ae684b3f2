/**
 * Novita's wire format as zod schemas, parsed leniently: fields may be absent,
 * numbers may arrive as strings (image_url_ttl is both in Novita's own docs),
 * extra fields are ignored. Only the task id, status and image URL are required.
 */
import { StringLike } from '@pictor/core/adapter';
import { z } from 'zod';

const LooseNumber = z.union([z.number(), z.string().regex(/^\s*-?\d+(\.\d+)?\s*$/).transform(Number)]).optional().catch(undefined);

export const SubmitResponse = z.looseObject({ task_id: StringLike });

export const TaskResult = z.looseObject({
  task: z.looseObject({
    task_id: StringLike.optional().catch(undefined),
    status: z.string(),
    reason: z.string().optional().catch(undefined),
    eta: LooseNumber,
    progress_percent: LooseNumber,
  }),
  images: z
    .array(
      z.looseObject({
        image_url: z.string().optional().catch(undefined),
        image_url_ttl: LooseNumber,
        image_type: z.string().optional().catch(undefined),
      }),
    )
    .optional()
    .catch([]),
  extra: z.unknown().optional(),
});

export type TaskResultBody = z.infer<typeof TaskResult>;

export const ErrorBody = z.looseObject({
  code: z.union([z.number(), z.string()]).optional().catch(undefined),
  reason: z.string().optional().catch(undefined),
  message: z.string().optional().catch(undefined),
  metadata: z.unknown().optional(),
});

export const WebhookEvent = z.looseObject({
  event_type: z.string(),
  payload: z.unknown(),
});

export interface NovitaSubmitBody {
  prompt: string;
  size: string;
  quality: string;
  watermark_enabled?: boolean;
  extra?: { webhook: { url: string } };
}
