/**
 * The Novita adapter: GLM-Image through POST /v3/async/glm-image and
 * GET /v3/async/task-result. Translation only; core does the rest.
 */
import { PictorError, formatSize, type ImageProvider, type ProviderClientOptions, type TaskHandle } from '@pictor/core';
import {
  createHttpClient,
  createProvider,
  httpProviderDefaults,
  parseFactoryOptions,
  providerClientOptionsSchema,
  readEnv,
  type AdapterStatus,
  type PreparedRequest,
  type ProviderAdapter,
  parseWireBody,
} from '@pictor/core/adapter';
import { z } from 'zod';
import { mapNovitaError } from './errors.ts';
import { NOVITA_MODELS } from './models.ts';
import { toAdapterStatus } from './status.ts';
import { SubmitResponse, TaskResult, type NovitaSubmitBody } from './wire.ts';

export const NOVITA_BASE_URL = 'https://api.novita.ai';

/** The key defaults to NOVITA_API_KEY. */
export type NovitaOptions = z.input<typeof novitaOptionsSchema>;

/** `providerOptions.novita` */
export const novitaProviderOptionsSchema = z
  .object({
    /**
     * This call's webhook URL (extra.webhook.url).
     * @default the factory's `webhookUrl`
     */
    webhookUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();

export type NovitaProviderOptions = z.infer<typeof novitaProviderOptionsSchema>;

/** createNovita's options as a schema (also used for the `providers.novita` section of a client config). */
export const novitaOptionsSchema = providerClientOptionsSchema.extend({
  /**
   * Sent as extra.webhook.url on every submit (per call: providerOptions.novita.webhookUrl).
   * @default undefined (no webhook)
   */
  webhookUrl: z.url({ protocol: /^https?$/, error: 'webhookUrl must be an http(s) URL' }).optional(),
});

export function createNovita(input: NovitaOptions = {}): ImageProvider {
  const options = parseFactoryOptions(novitaOptionsSchema, input, 'novita');
  const http = createHttpClient({
    provider: 'novita',
    baseURL: options.baseURL ?? NOVITA_BASE_URL,
    apiKey: options.apiKey ?? readEnv('NOVITA_API_KEY'),
    missingKeyMessage: 'No Novita API key: pass createNovita({ apiKey }) or set NOVITA_API_KEY',
    headers: options.headers,
    fetch: options.fetch,
    timeoutMs: options.timeoutMs ?? 60_000,
    maxResponseBytes: options.maxResponseBytes,
    allowInsecure: options.allowInsecure,
    mapError: mapNovitaError,
  });

  const body = (request: PreparedRequest<NovitaProviderOptions>): NovitaSubmitBody => {
    const webhookUrl = request.providerOptions.webhookUrl ?? options.webhookUrl;
    return {
      prompt: request.prompt,
      size: formatSize(request.size),
      quality: request.quality,
      // Novita's default is true (watermarked): only sent when the caller chose.
      ...(request.watermark !== undefined ? { watermark_enabled: request.watermark } : {}),
      ...(webhookUrl ? { extra: { webhook: { url: webhookUrl } } } : {}),
    };
  };

  const adapter: ProviderAdapter<NovitaProviderOptions> = {
    id: 'novita',
    models: NOVITA_MODELS,
    providerOptionsSchema: novitaProviderOptionsSchema,

    async submitAsync(request, { signal }) {
      const response = await http.post('v3/async/glm-image', { json: body(request), signal });
      const parsed = parseWireBody(SubmitResponse, response.data, {
        provider: 'novita',
        submitOutcome: 'unknown',
        describe: () => 'Novita accepted the submit but its answer has no task_id; the task may exist: check the Novita console',
      });
      return { taskId: parsed.task_id, requestId: response.requestId, raw: response.data };
    },

    async readStatus(handle: TaskHandle, { signal }): Promise<AdapterStatus> {
      const response = await http.get('v3/async/task-result', { searchParams: { task_id: handle.taskId }, signal });
      const parsed = parseWireBody(TaskResult, response.data, {
        provider: 'novita',
        describe: (issues) => `Novita task-result for ${handle.taskId} has no task.status (${issues})`,
      });
      return toAdapterStatus(parsed, response.data, handle.taskId);
    },
  };

  return createProvider(adapter, httpProviderDefaults(options, http));
}
