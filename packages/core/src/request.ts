/**
 * The request every provider accepts, as a zod schema. Unknown keys are refused
 * (a typo such as `sise` must not silently fall back to a default).
 */
import { z } from 'zod';
import { PictorError, invalidRequest } from './errors.ts';

export const MAX_PROMPT_LENGTH = 8000;

const SizeObject = z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).strict();

/** The request's keys and their rules; ImageRequestSchema adds the one rule across keys. */
const ImageRequestObject = z
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
  .strict();

export const ImageRequestSchema = ImageRequestObject.refine((r) => !(r.size !== undefined && r.aspectRatio !== undefined), {
  message: 'give either size or aspectRatio, not both',
  path: ['aspectRatio'],
});

export type ImageRequest = z.input<typeof ImageRequestSchema>;
export type ParsedImageRequest = z.output<typeof ImageRequestSchema>;

/** Parses a request, turning zod's issues into one readable invalid_request error. */
export function parseImageRequest(input: unknown, provider?: string): ParsedImageRequest {
  const parsed = schemaFor(input).safeParse(input);
  if (parsed.success) return parsed.data as ParsedImageRequest;
  throw zodError('Invalid image request', parsed.error, provider);
}

const KEYS = Object.keys(ImageRequestObject.shape) as (keyof typeof ImageRequestObject.shape)[];
const BITS = new Map<string, number>(KEYS.map((key, bit) => [key, 1 << bit]));
const SIZE_AND_ASPECT = (BITS.get('size') as number) | (BITS.get('aspectRatio') as number);
/** The keys every picked schema keeps, present or not (prompt): their absence is an error. */
const REQUIRED = KEYS.reduce((mask, key, bit) => (ImageRequestObject.shape[key].isOptional() ? mask : mask | (1 << bit)), 0);
/** At most this many key sets get their own schema (a call sets 2 to 4 of the keys, an application a few sets). */
const MAX_PICKED = 32;
const picked = new Map<number, z.ZodType>();

/**
 * The schema for this input: ImageRequestObject picked to the keys the input has. zod runs every
 * key of an object's shape, present or not, each with its own payload and issue list, so the full
 * schema allocates ~1.9 KB per call where the keys a call usually sets take ~0.6 KB (issue 14).
 * Same rules, same output: for a plain object with enumerable keys (what a literal or JSON.parse
 * makes) the picked schema holds the keys it has plus the required ones, all that zod would read
 * (unless Object.prototype itself was given such a key). Anything else (not a plain object, a key
 * outside the shape, size with aspectRatio, a key set past MAX_PICKED) goes through the full
 * schema, which reports it as before.
 */
function schemaFor(input: unknown): z.ZodType {
  if (typeof input !== 'object' || input === null) return ImageRequestSchema;
  const prototype = Object.getPrototypeOf(input);
  if (prototype !== Object.prototype && prototype !== null) return ImageRequestSchema;
  let mask = REQUIRED;
  for (const key in input) {
    const bit = BITS.get(key);
    // A key outside the shape: the full schema refuses it by name.
    if (bit === undefined) return ImageRequestSchema;
    mask |= bit;
  }
  if ((mask & SIZE_AND_ASPECT) === SIZE_AND_ASPECT) return ImageRequestSchema;
  let schema = picked.get(mask);
  if (!schema) {
    if (picked.size >= MAX_PICKED) return ImageRequestSchema;
    const keys = Object.fromEntries(KEYS.filter((key) => mask & (BITS.get(key) as number)).map((key) => [key, true]));
    schema = ImageRequestObject.pick(keys as { [K in (typeof KEYS)[number]]?: true });
    picked.set(mask, schema);
  }
  return schema;
}

export function zodError(title: string, error: z.ZodError, provider?: string): PictorError {
  const issues = error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  return invalidRequest(`${title}: ${issues.join('; ')}`, { provider, details: { issues } });
}
