/**
 * What a call is aimed at and what it returned, read defensively: handles may be JSON text from
 * disk, requests may name a model as 'provider:model' or not at all.
 */
import type { Attributes, Link } from '@opentelemetry/api';
import { parseTaskHandle, type ImageProvider, type ImageRequest, type ImageResult, type TaskHandle, type TaskStatus } from '@pictor/core';
import { ATTR, GENERATE_CONTENT, type PictorOperation } from './attributes.ts';
import { parseTraceparent } from './traceparent.ts';

/** Where a call is aimed before it runs: the requested provider and model. */
export interface Target {
  readonly provider: string;
  readonly model: string;
}

export function startAttributes(operation: PictorOperation, target: Target): Attributes {
  return {
    [ATTR.operation]: operation,
    ...(operation === 'status' ? {} : { [ATTR.operationName]: GENERATE_CONTENT, [ATTR.outputType]: 'image' }),
    [ATTR.providerName]: target.provider,
    [ATTR.requestModel]: target.model,
  };
}

/** What the request asks for, in the conventions' names: `n` when not 1, and the seed when given. */
export function requestAttributes(request: ImageRequest): Attributes {
  const n = (request as { n?: unknown })?.n;
  const seed = (request as { seed?: unknown })?.seed;
  return {
    ...(typeof n === 'number' && n !== 1 ? { [ATTR.requestChoiceCount]: n } : {}),
    ...(typeof seed === 'number' ? { [ATTR.requestSeed]: seed } : {}),
  };
}

/** The requested provider and model: 'provider:model', a routed provider's first candidate, or the provider's own. */
export function targetOf(provider: ImageProvider, request: ImageRequest, routed: boolean): Target {
  const requested = typeof request?.model === 'string' ? request.model : undefined;
  const first = Object.keys(provider.models)[0] ?? 'unknown';
  const ref = requested ?? first;
  if (ref.includes(':')) {
    const [id, model] = ref.split(':') as [string, string];
    return { provider: id, model };
  }
  // A bare model on a router names a model of its default provider.
  return { provider: routed ? (first.split(':')[0] ?? provider.id) : provider.id, model: ref };
}

/** The handle as core will read it (object or JSON text), or undefined when core will refuse it. */
function readHandle(input: unknown): TaskHandle | undefined {
  try {
    return parseTaskHandle(input);
  } catch {
    return undefined; // core reports the bad handle itself; the span just says 'unknown'
  }
}

export function targetOfHandle(input: unknown): Target {
  const handle = readHandle(input);
  return { provider: handle?.provider ?? 'unknown', model: handle?.model ?? 'unknown' };
}

/** A resumed wait (or a status read) links to the call that submitted its task, when the handle says which. */
export function linkTo(input: unknown): Link[] {
  const submitted = parseTraceparent(readHandle(input)?.traceparent);
  return submitted ? [{ context: submitted, attributes: { [ATTR.reason]: 'submitted the task' } }] : [];
}

/** The result a call returned: itself, or the one carried by a sync handle or a finished status. */
export function resultOf(value: unknown): ImageResult | undefined {
  if (!value || typeof value !== 'object') return undefined;
  if ('images' in value && 'cost' in value) return value as ImageResult;
  const nested = (value as TaskStatus | TaskHandle).result;
  return nested && typeof nested === 'object' ? nested : undefined;
}

export function isHandle(value: unknown): value is TaskHandle {
  return !!value && typeof value === 'object' && 'taskId' in value && 'version' in value;
}

/** Only the host: an image URL's path and query may carry a signature. */
export function hostAttributes(url: string): Attributes {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'data:' ? {} : { [ATTR.serverAddress]: parsed.hostname };
  } catch {
    return {};
  }
}
