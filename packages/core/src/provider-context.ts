/**
 * What every part of createProvider shares for one provider: the adapter, its defaults and the
 * state built once per provider (not per call). The submit, status, wait and result modules take
 * it as their first argument, so a call allocates no closures over it.
 */
import type { ProviderAdapter } from './adapter.ts';
import { isLoopbackURL, markLoopbackImages } from './download-policy.ts';
import { DurationRegistry } from './duration-registry.ts';
import { invalidRequest, invalidResponse, type PictorError } from './errors.ts';
import type { HttpClient } from './http.ts';
import type { ProviderClientOptions } from './provider-options.ts';
import { findModel } from './prepare.ts';
import type { Redactor } from './redact.ts';
import type { RetryOptions, RetryPolicy } from './retry.ts';
import type { CallOptions, ImageResult, ModelSpec, TaskHandle } from './types.ts';

/** A provider's own defaults: the factory options' retry, poll, strict and durations, plus two facts of its HTTP client. */
export type ProviderDefaults = Pick<ProviderClientOptions, 'retry' | 'poll' | 'strict' | 'durations'> & {
  /** Removes this provider's key from every error it lets out (an HTTP adapter passes `http.redactor`). */
  readonly redactor?: Redactor | undefined;
  /** The provider's base URL: when it is loopback, its images may be downloaded from loopback. */
  readonly baseURL?: string | undefined;
};

/** The defaults of an HTTP adapter's provider: what its factory options set, and its HTTP client's redactor and base URL. */
export function httpProviderDefaults(options: ProviderDefaults, http: Pick<HttpClient, 'redactor' | 'baseURL'>): ProviderDefaults {
  return { retry: options.retry, poll: options.poll, strict: options.strict, durations: options.durations, redactor: http.redactor, baseURL: http.baseURL };
}

export interface ProviderContext<ProviderOptions = Record<string, unknown>> {
  readonly id: string;
  readonly adapter: ProviderAdapter<ProviderOptions>;
  readonly defaults: ProviderDefaults;
  /** Images of a provider on loopback (the emulator) may be downloaded from loopback: see download-policy.ts. */
  readonly local: boolean;
  readonly durations: DurationRegistry;
  /** The retry policies of a call that sets none of its own, merged once per provider. */
  readonly defaultRetry: { readonly submit: RetryPolicy; readonly status: RetryPolicy };
}

export function providerContext<ProviderOptions>(
  adapter: ProviderAdapter<ProviderOptions>,
  defaults: ProviderDefaults,
): ProviderContext<ProviderOptions> {
  return {
    id: adapter.id,
    adapter,
    defaults,
    local: isLoopbackURL(defaults.baseURL),
    durations: defaults.durations ?? new DurationRegistry(),
    defaultRetry: { submit: { ...defaults.retry?.submit }, status: { ...defaults.retry?.status } },
  };
}

/** A call's retry policy for one stage: the provider's defaults, overridden by the call's own. */
export function retryPolicy(context: ProviderContext<any>, stage: 'submit' | 'status', options: CallOptions | undefined): RetryPolicy {
  const own = options?.retry?.[stage];
  return own ? { ...context.defaults.retry?.[stage], ...own } : context.defaultRetry[stage];
}

export function redact(context: ProviderContext<any>, error: PictorError): PictorError {
  return context.defaults.redactor ? context.defaults.redactor.error(error) : error;
}

export function marked(context: ProviderContext<any>, result: ImageResult): ImageResult {
  if (context.local) markLoopbackImages(result.images);
  return result;
}

/** The model spec of a handle, after checking the handle belongs to this provider. */
export function specFor(context: ProviderContext<any>, handle: TaskHandle): ModelSpec {
  const id = context.id;
  if (handle.provider !== id) {
    throw invalidRequest(`This handle belongs to provider "${handle.provider}", not "${id}": resume it with that provider`, { provider: id });
  }
  return findModel(id, context.adapter.models, handle.model);
}

/** The adapter declares a model in a mode it has no method for. */
export function missing(context: ProviderContext<any>, method: string, model: string): PictorError {
  return invalidRequest(`${context.id} declares ${model} but implements no ${method}`, { provider: context.id });
}

export function invalid(context: ProviderContext<any>, message: string, handle: TaskHandle): PictorError {
  return invalidResponse(message, { provider: context.id, handle });
}
