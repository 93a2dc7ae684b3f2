/**
 * Failover across providers, itself an ImageProvider.
 *
 * - Candidates whose model can't honour the request (size, quality, mode, n) are
 *   skipped before any request, with a warning on the result saying why.
 * - It fails over on availability errors only (by default provider_unavailable,
 *   timeout, network, rate_limited, insufficient_quota), never on a validation or content-policy error,
 *   which would fail everywhere (configurable).
 * - It never fails over when a submit's outcome is unknown (the first provider may
 *   have accepted and billed the task) unless `failoverOnUnknownOutcome` is set;
 *   and never after a task was accepted: a handle stays bound to its provider.
 * - One retry loop: with several candidates, submits are not retried inside a
 *   candidate; moving to the next candidate *is* the retry. Status reads keep
 *   their own (free) retries.
 * - A circuit breaker per candidate skips one that keeps failing, then probes it.
 */
import { z } from 'zod';
import { BreakerOptionsSchema, CircuitBreaker, type BreakerSnapshot } from './breaker.ts';
import { ERROR_KINDS, PictorError, toPictorError, invalidRequest, type ErrorKind } from './errors.ts';
import { emit } from './events.ts';
import { defaultShouldRetry } from './retry.ts';
import { parseTaskHandle } from './handle.ts';
import { prepareParsedRequest } from './prepare.ts';
import { parseImageRequest, type ImageRequest, type ParsedImageRequest } from './request.ts';
import type { CallOptions, ImageProvider, ImageResult, ModelSpec, TaskHandle, Warning, WaitOptions } from './types.ts';

export interface FailoverCandidate {
  readonly provider: ImageProvider;
  readonly model: string;
}

/** The failover policy; also the `failover` section of a client config. */
export const FailoverPolicySchema = z
  .object({
    /**
     * Error kinds that move on to the next candidate.
     * @default DEFAULT_FAILOVER_ON (provider_unavailable, timeout, network, rate_limited, insufficient_quota)
     */
    failoverOn: z.array(z.enum(ERROR_KINDS)).readonly().optional(),
    /**
     * Also fail over when a submit may have been accepted (risks paying twice).
     * @default false
     */
    failoverOnUnknownOutcome: z.boolean().optional(),
    /**
     * A candidate that answers rate_limited with a Retry-After up to this long (ms) is waited for and
     * retried in place; a longer one, or none, moves on to the next candidate.
     * @default 2000
     */
    patienceMs: z.number().int().min(0).optional(),
    /**
     * The per-candidate circuit breaker.
     * @default { failureThreshold: 3, cooldownMs: 30000 }
     */
    breaker: BreakerOptionsSchema.optional(),
  })
  .strict();

export type FailoverPolicy = z.input<typeof FailoverPolicySchema>;

/**
 * Availability errors. insufficient_quota is one too: an empty balance on one provider says nothing
 * about the next (it is never retried on the same provider).
 */
export const DEFAULT_FAILOVER_ON: readonly ErrorKind[] = ['provider_unavailable', 'timeout', 'network', 'rate_limited', 'insufficient_quota'];

export interface RouteStep {
  /** 'provider:model' */
  readonly candidate: string;
  readonly outcome: 'served' | 'failed' | 'skipped';
  readonly reason?: string | undefined;
  readonly error?: PictorError | undefined;
}

export interface FailoverResult extends ImageResult {
  /** Every candidate considered, in order, and what happened. */
  readonly route: readonly RouteStep[];
}

export interface FailoverProvider extends ImageProvider {
  generate(request: ImageRequest, options?: WaitOptions): Promise<FailoverResult>;
  /** Breaker state per candidate ('provider:model'). */
  breakers(): Record<string, BreakerSnapshot>;
}

export function failover(candidates: readonly FailoverCandidate[], policy: FailoverPolicy = {}): FailoverProvider {
  if (candidates.length === 0) {
    throw invalidRequest('failover() needs at least one candidate');
  }
  const entries = candidates.map((candidate) => entryOf(candidate, policy));
  const router: Router = { entries, several: entries.length > 1, failoverOn: new Set(policy.failoverOn ?? DEFAULT_FAILOVER_ON), policy };

  const providerFor = (handle: TaskHandle): ImageProvider => {
    const entry = entries.find((e) => e.provider.id === handle.provider);
    if (!entry) {
      throw invalidRequest(`No candidate for provider "${handle.provider}" (candidates: ${entries.map((e) => e.label).join(', ')})`);
    }
    return entry.provider;
  };

  return {
    id: 'failover',
    models: Object.fromEntries(entries.map((e) => [e.label, e.spec])),
    breakers: () => Object.fromEntries(entries.map((e) => [e.label, e.breaker.snapshot()])),
    async generate(request, options) {
      const { value, route, warnings } = await run(router, request, options, 'generate');
      const result = value as ImageResult;
      return { ...result, warnings: [...warnings, ...result.warnings], route };
    },
    async submit(request, options) {
      const { value, warnings } = await run(router, request, options, 'submit');
      const handle = value as TaskHandle;
      return warnings.length > 0 ? { ...handle, warnings: [...warnings, ...(handle.warnings ?? [])] } : handle;
    },
    async status(input, options) {
      const handle = parseTaskHandle(input);
      return providerFor(handle).status(handle, options);
    },
    async wait(input, options) {
      const handle = parseTaskHandle(input);
      return providerFor(handle).wait(handle, options);
    },
  };
}

/** A candidate with its spec, its 'provider:model' label and its breaker. */
interface Entry extends FailoverCandidate {
  readonly spec: ModelSpec;
  readonly label: string;
  readonly breaker: CircuitBreaker;
}

interface Router {
  readonly entries: readonly Entry[];
  readonly several: boolean;
  readonly failoverOn: ReadonlySet<ErrorKind>;
  readonly policy: FailoverPolicy;
}

function entryOf(candidate: FailoverCandidate, policy: FailoverPolicy): Entry {
  const spec = candidate.provider.models[candidate.model];
  if (!spec) {
    throw invalidRequest(`Unknown model "${candidate.model}" for ${candidate.provider.id}; available: ${Object.keys(candidate.provider.models).join(', ')}`);
  }
  return { ...candidate, spec, label: `${candidate.provider.id}:${candidate.model}`, breaker: new CircuitBreaker(policy.breaker) };
}

/**
 * Inner options. With several candidates, moving on is the retry: a submit is retried inside a
 * candidate only for a rate limit whose Retry-After fits the patience (waiting is then cheaper
 * than switching); anything else fails over at once, so retries never multiply across layers.
 */
function innerOptions<T extends CallOptions>(router: Router, options: T | undefined): T {
  if (!router.several) return { ...options } as T;
  const patienceMs = router.policy.patienceMs ?? 2000;
  const waitableRateLimit = (error: PictorError) =>
    error.kind === 'rate_limited' && error.retryAfterMs !== undefined && error.retryAfterMs <= patienceMs && defaultShouldRetry('submit', error);
  return { ...options, retry: { ...options?.retry, submit: { ...options?.retry?.submit, maxRetryAfterMs: patienceMs, shouldRetry: waitableRateLimit } } } as T;
}

/** Why a candidate cannot serve the request (its model's validation error), or undefined. */
function canHonour(entry: Entry, request: ParsedImageRequest, options: CallOptions | undefined): PictorError | undefined {
  try {
    prepareParsedRequest(
      { ...request, model: entry.model, providerOptions: undefined },
      { providerId: entry.provider.id, models: { [entry.model]: entry.spec }, strict: options?.strict },
    );
    return undefined;
  } catch (error) {
    return toPictorError(error);
  }
}

function shouldFailOver(router: Router, error: PictorError, stage: 'submit' | 'wait'): boolean {
  if (error.kind === 'aborted') return false;
  if (stage === 'wait') return false; // a task was accepted: never pay twice
  if (!router.failoverOn.has(error.kind)) return false;
  if (error.submitOutcome === 'unknown' && !router.policy.failoverOnUnknownOutcome) return false;
  return true;
}

async function run(
  router: Router,
  request: ImageRequest,
  options: WaitOptions | undefined,
  mode: 'generate' | 'submit',
): Promise<{ value: ImageResult | TaskHandle; route: RouteStep[]; warnings: Warning[] }> {
  const { entries, several } = router;
  // A malformed request fails the same way everywhere: say so once, not once per candidate.
  const parsed = parseImageRequest(request, 'failover');
  const route: RouteStep[] = [];
  const warnings: Warning[] = [];
  const errors: PictorError[] = [];
  const next = (index: number) => entries.slice(index + 1).find((e) => !route.some((r) => r.candidate === e.label))?.label;
  for (const [index, entry] of entries.entries()) {
    const skip = (reason: string, error?: PictorError) => {
      route.push({ candidate: entry.label, outcome: 'skipped', reason, error });
      warnings.push({ type: 'skipped', feature: entry.label, message: `${entry.label} skipped: ${reason}` });
      emit(options?.onEvent, { type: 'failover', provider: entry.provider.id, model: entry.model, from: entry.label, to: next(index), reason, error });
    };
    const incapable = canHonour(entry, parsed, options);
    // With one candidate there is nothing to skip to: its own validation error is the clearest answer.
    if (incapable && !several) throw incapable;
    if (incapable) {
      skip(`cannot honour the request (${incapable.message})`);
      continue;
    }
    if (!entry.breaker.tryAcquire()) {
      skip('circuit breaker open after repeated failures');
      continue;
    }
    const candidateRequest = { ...request, model: entry.model };
    try {
      const inner = innerOptions(router, options);
      const value = mode === 'submit' ? await entry.provider.submit(candidateRequest, inner) : await entry.provider.generate(candidateRequest, inner);
      entry.breaker.recordSuccess();
      route.push({ candidate: entry.label, outcome: 'served' });
      return { value, route, warnings };
    } catch (caught) {
      const error = toPictorError(caught, entry.provider.id);
      // An error carrying a handle came after the task was accepted (while waiting).
      const stage = error.handle ? 'wait' : 'submit';
      const countsAgainstHealth = DEFAULT_FAILOVER_ON.includes(error.kind);
      if (countsAgainstHealth) entry.breaker.recordFailure();
      else entry.breaker.release();
      errors.push(error);
      route.push({ candidate: entry.label, outcome: 'failed', reason: error.kind, error });
      if (!shouldFailOver(router, error, stage)) throw error.with({ attempts: errors.length > 1 ? errors : error.attempts });
      emit(options?.onEvent, { type: 'failover', provider: entry.provider.id, model: entry.model, from: entry.label, to: next(index), reason: error.kind, error });
    }
  }
  throw allFailed(route, errors);
}

function allFailed(route: readonly RouteStep[], errors: readonly PictorError[]): PictorError {
  const summary = route.map((step) => `${step.candidate}: ${step.outcome === 'skipped' ? `skipped (${step.reason})` : (step.error?.message ?? step.reason)}`).join('; ');
  if (errors.length === 0) {
    return invalidRequest(`No candidate can serve this request: ${summary}`, { details: { route } });
  }
  const kinds = new Set(errors.map((e) => e.kind));
  const last = errors.at(-1) as PictorError;
  const soonest = Math.min(...errors.map((e) => e.retryAfterMs ?? Infinity));
  // Nothing was created only if every candidate proved it; one unknown makes the whole route unknown,
  // so no layer above (a queue retry, the AI SDK) submits again.
  const submitOutcome = errors.some((e) => e.submitOutcome === 'unknown')
    ? 'unknown'
    : errors.every((e) => e.submitOutcome === 'not_created')
      ? 'not_created'
      : undefined;
  return new PictorError({
    kind: kinds.size === 1 ? last.kind : 'provider_unavailable',
    retryable: errors.some((e) => e.retryable),
    submitOutcome,
    retryAfterMs: Number.isFinite(soonest) ? soonest : undefined,
    provider: 'failover',
    message: `All ${route.length} candidates failed: ${summary}`,
    attempts: errors,
    details: { route },
  });
}
