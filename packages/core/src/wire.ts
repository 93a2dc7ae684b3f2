/**
 * Helpers for adapters reading providers' wire bodies: the lenient scalar the providers send
 * ids and codes as, and the one way an unreadable body becomes an `invalid_response`.
 */
import { z } from 'zod';
import { invalidResponse, type SubmitOutcome } from './errors.ts';

/** A string, or a number to be read as a string (ids and codes arrive as both). */
export const StringLike = z.union([z.string(), z.number()]).transform((v) => String(v));

export interface WireContext {
  readonly provider: string;
  /** The error message, given the body's problems as `path: message; …`. */
  readonly describe: (issues: string) => string;
  /**
   * What a failed submit says about the task: a 2xx we cannot read may still have created one.
   * @default undefined (not a submit)
   */
  readonly submitOutcome?: SubmitOutcome | undefined;
}

/** Parses a provider's response body; a mismatch is an `invalid_response` carrying the (redacted) body. */
export function parseWireBody<S extends z.ZodType>(schema: S, data: unknown, context: WireContext): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw invalidResponse(context.describe(issues), { provider: context.provider, submitOutcome: context.submitOutcome, details: { body: data } });
}
