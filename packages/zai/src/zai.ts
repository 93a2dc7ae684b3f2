/**
 * The Z.AI / BigModel adapter: translation only. Validation, retries, polling,
 * events and normalisation come from @pictor/core's createProvider.
 */
import { PictorError, formatSize, invalidResponse, taskFailed, type ImageProvider, type ProviderClientOptions, type TaskHandle } from '@pictor/core';
import {
  createHttpClient,
  createProvider,
  httpProviderDefaults,
  isoFromEpochSeconds,
  parseFactoryOptions,
  parseWireBody,
  providerClientOptionsSchema,
  readEnv,
  type AdapterOutput,
  type AdapterStatus,
  type PreparedRequest,
  type ProviderAdapter,
} from '@pictor/core/adapter';
import { z } from 'zod';
import { mapZaiError, readZaiError } from './errors.ts';
import { ZAI_MODELS } from './models.ts';
import { AsyncResultResponse, AsyncSubmitResponse, SyncImageResponse, SyncImageResponseExact, type ZaiRequestBody } from './wire.ts';

export const ZAI_BASE_URLS = {
  international: 'https://api.z.ai/api/paas/v4',
  mainland: 'https://open.bigmodel.cn/api/paas/v4',
} as const;

export type ZaiRegion = keyof typeof ZAI_BASE_URLS;

/**
 * The key defaults to ZAI_API_KEY; `baseURL` overrides the region's; `timeoutMs` defaults to 60 s
 * for submits and reads and 180 s for a sync generation.
 */
export type ZaiOptions = z.input<typeof zaiOptionsSchema>;

/** `providerOptions.zai` */
export const zaiProviderOptionsSchema = z
  .object({
    /**
     * Sent as request_id. Z.AI refuses a second request with the same id (code 1231), which makes a
     * forced retry safe.
     * @default a fresh UUID per call, reused by its own retries
     */
    requestId: z.string().min(6).max(64).optional(),
  })
  .strict();

export type ZaiProviderOptions = z.infer<typeof zaiProviderOptionsSchema>;

const SYNC_TIMEOUT_MS = 180_000;

/**
 * One request_id per logical call, reused by its retries: Z.AI then refuses a duplicate (1231).
 * Kept on the call's prepared request under a symbol (core builds one per call and passes the same
 * object to every attempt): a WeakMap entry per call cost about 1 µs and GC work (bench/hot-path).
 */
const REQUEST_ID = Symbol('zai request_id');
type CallState = { [REQUEST_ID]?: string };

/** createZai's options as a schema (also used for the `providers.zai` section of a client config). */
export const zaiOptionsSchema = providerClientOptionsSchema.extend({
  /**
   * 'international' (api.z.ai) or 'mainland' (open.bigmodel.cn).
   * @default 'international'
   */
  region: z.enum(Object.keys(ZAI_BASE_URLS) as [ZaiRegion, ...ZaiRegion[]], { error: 'region must be one of: international, mainland' }).optional(),
});

export function createZai(input: ZaiOptions = {}): ImageProvider {
  const options = parseFactoryOptions(zaiOptionsSchema, input, 'zai');
  const region = options.region ?? 'international';
  const baseURL = options.baseURL ?? ZAI_BASE_URLS[region];
  const apiKey = options.apiKey ?? readEnv('ZAI_API_KEY');
  const http = createHttpClient({
    provider: 'zai',
    baseURL,
    apiKey,
    missingKeyMessage: 'No Z.AI API key: pass createZai({ apiKey }) or set ZAI_API_KEY',
    headers: { 'accept-language': 'en-US,en', ...options.headers },
    fetch: options.fetch,
    timeoutMs: options.timeoutMs ?? 60_000,
    maxResponseBytes: options.maxResponseBytes,
    allowInsecure: options.allowInsecure,
    mapError: mapZaiError,
  });
  // A sync glm-image call holds the connection for the whole generation (~20 s, more under load).
  const syncTimeoutMs = options.timeoutMs ?? SYNC_TIMEOUT_MS;
  const body = requestBodyBuilder();

  const adapter: ProviderAdapter<ZaiProviderOptions> = {
    id: 'zai',
    models: ZAI_MODELS,
    providerOptionsSchema: zaiProviderOptionsSchema,

    async generateSync(request, { signal }): Promise<AdapterOutput> {
      const response = await http.post('images/generations', { json: body(request), signal, timeoutMs: syncTimeoutMs });
      // The documented shape parses at half the cost; anything else goes through the lenient schema.
      const exact = SyncImageResponseExact.safeParse(response.data);
      const parsed = exact.success ? exact.data : parse(SyncImageResponse, response.data, 'images/generations');
      return {
        images: toImages(parsed.data),
        requestId: parsed.request_id ?? parsed.id ?? response.requestId,
        // An absurd `created` (1e300) falls back to the receive time instead of "Invalid time value".
        createdAt: isoFromEpochSeconds(parsed.created),
        contentFilter: parsed.content_filter,
        raw: response.data,
      };
    },

    async submitAsync(request, { signal }) {
      const response = await http.post('async/images/generations', { json: body(request), signal });
      const parsed = parse(AsyncSubmitResponse, response.data, 'async/images/generations', 'unknown');
      if (parsed.task_status?.toUpperCase() === 'FAIL') {
        // Refused at submission: no task to poll, nothing was generated.
        const { code, message } = readZaiError(response.data);
        throw taskFailed(`Z.AI refused the task at submission${message ? `: ${message}` : ''}`, {
          provider: 'zai',
          providerCode: code,
          submitOutcome: 'not_created',
        });
      }
      return { taskId: parsed.id, requestId: parsed.request_id ?? response.requestId, raw: response.data };
    },

    async readStatus(handle: TaskHandle, { signal }): Promise<AdapterStatus> {
      const response = await http.get(`async-result/${encodeURIComponent(handle.taskId)}`, { signal });
      const parsed = parse(AsyncResultResponse, response.data, 'async-result');
      return toAdapterStatus(parsed, response.data, handle);
    },
  };

  return createProvider(adapter, httpProviderDefaults(options, http));
}

/**
 * One request_id per logical call, reused by its retries: Z.AI then refuses a duplicate (1231).
 * Kept on the call's prepared request under a symbol (cheaper than a side WeakMap on every call).
 */
function requestBodyBuilder(): (request: PreparedRequest<ZaiProviderOptions>) => ZaiRequestBody {
  return (request) => {
    const call = request as CallState;
    let requestId = request.providerOptions.requestId ?? call[REQUEST_ID];
    if (!requestId) {
      requestId = globalThis.crypto.randomUUID();
      call[REQUEST_ID] = requestId;
    }
    return {
      model: request.model,
      prompt: request.prompt,
      size: formatSize(request.size),
      quality: request.quality,
      ...(request.userId !== undefined ? { user_id: request.userId } : {}),
      ...(request.watermark !== undefined ? { watermark_enabled: request.watermark } : {}),
      request_id: requestId,
    };
  };
}

/** An async-result body to an AdapterStatus; an unknown task_status is an error, never a silent hang. */
function toAdapterStatus(parsed: z.output<typeof AsyncResultResponse>, raw: unknown, handle: TaskHandle): AdapterStatus {
  const status = parsed.task_status.toUpperCase();
  if (status === 'PROCESSING') return { state: 'running', raw };
  if (status === 'SUCCESS') {
    return {
      state: 'succeeded',
      output: { images: toImages(parsed.image_result), requestId: parsed.request_id ?? handle.requestId, raw },
      raw,
    };
  }
  if (status === 'FAIL') {
    const { code, message } = readZaiError(raw);
    const reason = message ?? (typeof parsed.error === 'string' ? parsed.error : undefined);
    return {
      state: 'failed',
      error: new PictorError({
        kind: code === '1301' ? 'content_filtered' : 'task_failed',
        provider: 'zai',
        providerCode: code,
        requestId: parsed.request_id,
        message: `Z.AI task ${handle.taskId} failed${reason ? `: ${reason}` : ' (Z.AI gave no reason)'}`,
        details: { body: raw },
      }),
      raw,
    };
  }
  throw invalidResponse(`Z.AI returned an unknown task_status "${parsed.task_status}" for task ${handle.taskId} (expected PROCESSING, SUCCESS or FAIL)`, {
    provider: 'zai',
  });
}

/** The entries that hold an image (a loop, not flatMap: this runs on every generation). */
function toImages(entries: readonly { url?: string | undefined; b64_json?: string | undefined }[] | undefined) {
  const images: { url: string; mediaType?: string }[] = [];
  for (const entry of entries ?? []) {
    if (entry.url) images.push({ url: entry.url });
    else if (entry.b64_json) images.push({ url: `data:image/png;base64,${entry.b64_json}`, mediaType: 'image/png' });
  }
  return images;
}

/** Reads a Z.AI body; a 200 to a submit that we can't read may still have created a task ('unknown'). */
function parse<S extends z.ZodType>(schema: S, data: unknown, endpoint: string, submitOutcome?: 'unknown'): z.output<S> {
  return parseWireBody(schema, data, { provider: 'zai', submitOutcome, describe: (issues) => `Z.AI ${endpoint} returned an unexpected body (${issues})` });
}
