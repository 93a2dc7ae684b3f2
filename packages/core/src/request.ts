/**
 * The request every provider accepts, as a zod schema. Unknown keys are refused
 * (a typo such as `sise` must not silently fall back to a default).
 */
import { z } from 'zod';
import { PictorError, invalidRequest } from './errors.ts';

export const MAX_PROMPT_LENGTH = 8000;

const SizeObject = z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).strict();

export const ImageRequestSchema = z
  .object({
    /** The provider's model id (for a client: 'provider:model' or just 'model'). */
    model: z.string().trim().min(1).optional(),
    prompt: z.string().trim().min(1, 'prompt must not be empty').max(MAX_PROMPT_LENGTH),
    size: z.union([z.string().regex(/^\s*\d+\s*[x×*]\s*\d+\s*$/i, 'size must look like "1024x1024"'), SizeObject]).optional(),
    aspectRatio: z.string().regex(/^\s*\d+(\.\d+)?\s*:\s*\d+(\.\d+)?\s*$/, 'aspectRatio must look like "16:9"').optional(),
    quality: z.string().min(1).optional(),
    n: z.number().int().min(1).max(10).optional(),
    userId: z.string().min(6, 'userId must be 6-128 characters').max(128, 'userId must be 6-128 characters').optional(),
    watermark: z.boolean().optional(),
    seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
    /** 'sync' or 'async' where a model supports both; each model declares its default. */
    mode: z.enum(['sync', 'async']).optional(),
    /** Options for one provider, keyed by provider id; other providers ignore them. */
    providerOptions: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  })
  .strict()
  .refine((r) => !(r.size !== undefined && r.aspectRatio !== undefined), {
    message: 'give either size or aspectRatio, not both',
    path: ['aspectRatio'],
  });

export type ImageRequest = z.input<typeof ImageRequestSchema>;
export type ParsedImageRequest = z.output<typeof ImageRequestSchema>;

/** Parses a request, turning zod's issues into one readable invalid_request error. */
export function parseImageRequest(input: unknown, provider?: string): ParsedImageRequest {
  const parsed = ImageRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw zodError('Invalid image request', parsed.error, provider);
}

export function zodError(title: string, error: z.ZodError, provider?: string): PictorError {
  const issues = error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  return invalidRequest(`${title}: ${issues.join('; ')}`, { provider, details: { issues } });
}
