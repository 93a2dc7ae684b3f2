/**
 * The heavy core: turns a small ProviderAdapter into a full ImageProvider with
 * validation before any request, stage-scoped retries, one polling engine,
 * lifecycle events and one normalised result type. The parts live in their own modules:
 * provider-context.ts (what a provider shares), provider-submit.ts (sync generation and async
 * submit), provider-status.ts (one status read), provider-wait.ts (the polling loop) and
 * provider-result.ts (the normalised result).
 */
import type { ProviderAdapter } from './adapter.ts';
import { PictorError, abortedError, toPictorError } from './errors.ts';
import { emit } from './events.ts';
import { parseTaskHandle } from './handle.ts';
import { prepareRequest } from './prepare.ts';
import { providerContext, redact, specFor, type ProviderContext, type ProviderDefaults } from './provider-context.ts';
import { readOnce, statusContext } from './provider-status.ts';
import { submitPrepared } from './provider-submit.ts';
import { waitFor } from './provider-wait.ts';
import type { ImageRequest } from './request.ts';
import type { CallOptions, ImageProvider, ImageResult, TaskHandle } from './types.ts';

export type { ProviderDefaults } from './provider-context.ts';
export { guessMediaType } from './provider-result.ts';

export function createProvider<ProviderOptions = Record<string, unknown>>(
  adapter: ProviderAdapter<ProviderOptions>,
  defaults: ProviderDefaults = {},
): ImageProvider {
  const context = providerContext(adapter, defaults);
  const prepare = (request: ImageRequest, options: CallOptions | undefined) =>
    prepareRequest(request, {
      providerId: context.id,
      models: adapter.models,
      providerOptionsSchema: adapter.providerOptionsSchema,
      strict: options?.strict ?? defaults.strict,
    });

  // Each method is one async function with its own try/catch, rather than a wrapper taking a
  // closure: with thousands of calls in flight, every extra frame is held per call (bench/scale).
  return {
    id: context.id,
    models: adapter.models,
    async generate(request, options) {
      try {
        // `prepared` is not kept in a local: it is not needed once the task is accepted.
        const { handle, attempts } = await submitPrepared(context, prepare(request, options), options);
        return completed(context, options, handle.result ?? (await waitFor(context, handle, options, attempts)));
      } catch (error) {
        throw failed(context, options, requestedModel(context, request), error);
      }
    },
    async submit(request, options) {
      try {
        return (await submitPrepared(context, prepare(request, options), options)).handle;
      } catch (error) {
        throw failed(context, options, requestedModel(context, request), error);
      }
    },
    async status(input, options) {
      try {
        const handle = parseTaskHandle(input);
        const status = await readOnce(context, handle, specFor(context, handle), statusContext(context, handle, options), 1);
        return status.error ? { ...status, error: redact(context, status.error) } : status;
      } catch (error) {
        throw failed(context, options, (input as TaskHandle)?.model ?? 'unknown', error);
      }
    },
    async wait(input, options) {
      try {
        return completed(context, options, await waitFor(context, parseTaskHandle(input), options, 1));
      } catch (error) {
        throw failed(context, options, (input as TaskHandle)?.model ?? 'unknown', error);
      }
    },
  };
}

/** Emits 'completed' for a call's result (a listener is optional). */
function completed(context: ProviderContext<any>, options: CallOptions | undefined, result: ImageResult): ImageResult {
  if (options?.onEvent) emit(options.onEvent, { type: 'completed', provider: context.id, model: result.model, result });
  return result;
}

/** Normalises a call's failure and emits 'failed' once; the caller rethrows it. */
function failed(context: ProviderContext<any>, options: CallOptions | undefined, model: string, error: unknown): PictorError {
  const id = context.id;
  const pictorError = redact(
    context,
    options?.signal?.aborted ? abortedCall(options.signal, id, error) : toPictorError(error, id),
  );
  if (options?.onEvent) emit(options.onEvent, { type: 'failed', provider: id, model, error: pictorError });
  return pictorError;
}

/**
 * The error of a call its caller aborted. An abort that interrupted a submit in flight (retry.ts)
 * says the task may exist and may have been charged (`submitOutcome: 'unknown'`): that is kept, so
 * the caller knows not to submit again blindly.
 */
function abortedCall(signal: AbortSignal, id: string, error: unknown): PictorError {
  const aborted = abortedError(signal, id, (error as PictorError | undefined)?.handle);
  if (!(error instanceof PictorError) || error.submitOutcome !== 'unknown' || aborted.submitOutcome === 'unknown') return aborted;
  return error.kind === aborted.kind ? error : aborted.with({ submitOutcome: 'unknown', message: `${aborted.message}; ${error.message}` });
}

/** The model a failed call was for, for its 'failed' event: the request's, else the provider's first. */
function requestedModel(context: ProviderContext<any>, request: ImageRequest): string {
  const model = (request as { model?: unknown } | undefined)?.model;
  return model && typeof model === 'string' ? model : (Object.keys(context.adapter.models)[0] ?? 'unknown');
}
