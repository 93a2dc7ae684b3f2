/**
 * A queue or worker is given a ready client, or a config to build one with the built-in providers.
 */
import { z } from 'zod';
import { createImageClient, type ClientConfig, type ImageClient, type ImageProvider } from 'pictor';

export const ClientSchema = z.custom<ImageProvider>(
  (value) => typeof value === 'object' && value !== null && ['submit', 'wait', 'status'].every((m) => typeof (value as Record<string, unknown>)[m] === 'function'),
  'must be an image client or provider (with submit, wait and status)',
);

export interface ClientChoice {
  /** A client (or any ImageProvider) to run jobs with. */
  readonly client?: ImageProvider | ImageClient | undefined;
  /** A client config (as pictor.json); used when `client` is absent. */
  readonly config?: ClientConfig | undefined;
}

export function resolveClient(choice: ClientChoice): ImageProvider | undefined {
  if (choice.client) return choice.client;
  return choice.config ? createImageClient(choice.config) : undefined;
}
