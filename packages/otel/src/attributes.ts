/**
 * Attribute names. The gen_ai.* ones follow the OpenTelemetry GenAI semantic conventions
 * (development status, so copied here rather than imported from the incubating entry point, as
 * OpenTelemetry advises); pictor.* ones carry what the conventions have no name for.
 *
 * Image generation has no operation name of its own in the conventions: `generate_content`
 * ("multimodal content generation") is the well-known value that applies, and the conventions say
 * a well-known value that applies MUST be used; `gen_ai.output.type: image` says what was generated.
 */
import type { Attributes } from '@opentelemetry/api';
import type { FailoverResult, ImageResult, PictorError, TaskHandle } from '@pictor/core';

export const ATTR = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestChoiceCount: 'gen_ai.request.choice.count',
  requestSeed: 'gen_ai.request.seed',
  responseId: 'gen_ai.response.id',
  responseModel: 'gen_ai.response.model',
  outputType: 'gen_ai.output.type',
  errorType: 'error.type',
  operation: 'pictor.operation',
  taskId: 'pictor.task_id',
  mode: 'pictor.mode',
  size: 'pictor.size',
  quality: 'pictor.quality',
  images: 'pictor.images',
  route: 'pictor.route',
  candidate: 'pictor.candidate',
  candidateOutcome: 'pictor.candidate.outcome',
  reason: 'pictor.reason',
  submitOutcome: 'pictor.submit.outcome',
  statusRequests: 'pictor.status_requests',
  attempt: 'pictor.attempt',
  retryDelayMs: 'pictor.retry.delay_ms',
  taskState: 'pictor.task.state',
  progress: 'pictor.progress',
  costUsd: 'pictor.cost.usd',
  costBasis: 'pictor.cost.basis',
  retryable: 'pictor.error.retryable',
  downloadBytes: 'pictor.download.bytes',
  downloadMediaType: 'pictor.download.media_type',
  serverAddress: 'server.address',
} as const;

/** The one gen_ai.operation.name Pictor's generations use (see the module comment). */
export const GENERATE_CONTENT = 'generate_content';

/** What Pictor's public calls are, as `pictor.operation`. */
export type PictorOperation = 'generate' | 'submit' | 'wait' | 'status';

/** The attributes a finished generation adds to its span. */
export function resultAttributes(result: ImageResult): Attributes {
  return {
    [ATTR.providerName]: result.provider,
    [ATTR.responseModel]: result.model,
    [ATTR.responseId]: result.requestId ?? result.taskId,
    [ATTR.taskId]: result.taskId,
    [ATTR.size]: `${result.size.width}x${result.size.height}`,
    [ATTR.quality]: result.quality,
    [ATTR.images]: result.images.length,
    [ATTR.statusRequests]: result.timings.statusRequests,
    [ATTR.costBasis]: result.cost.basis,
    ...(result.cost.usd !== undefined ? { [ATTR.costUsd]: result.cost.usd } : {}),
    ...('route' in result ? { [ATTR.route]: (result as FailoverResult).route.map((step) => `${step.candidate}:${step.outcome}`) } : {}),
  };
}

/** The attributes of an accepted task (a submit's handle). */
export function handleAttributes(handle: TaskHandle): Attributes {
  return {
    [ATTR.providerName]: handle.provider,
    [ATTR.taskId]: handle.taskId,
    [ATTR.mode]: handle.mode,
    [ATTR.size]: `${handle.size.width}x${handle.size.height}`,
    [ATTR.quality]: handle.quality,
    [ATTR.submitOutcome]: 'accepted',
  };
}

/** Error attributes: `error.type` is the error's kind, so dashboards group failures the way Pictor does. */
export function errorAttributes(error: PictorError): Attributes {
  return {
    [ATTR.errorType]: error.kind,
    [ATTR.retryable]: error.retryable,
    ...(error.submitOutcome ? { [ATTR.submitOutcome]: error.submitOutcome } : {}),
    ...(error.handle ? { [ATTR.taskId]: error.handle.taskId } : {}),
  };
}
