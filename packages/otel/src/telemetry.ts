/**
 * Pictor calls as OpenTelemetry spans and metrics. `instrument(provider)` wraps any ImageProvider
 * (a single provider, a failover router, or an ImageClient): each call gets a span in the caller's
 * active context, and a listener on the call's lifecycle events adds the child spans. Only
 * `@opentelemetry/api` is used: with no SDK registered everything is a no-op.
 */
import { SpanKind, SpanStatusCode, context, metrics, trace, type Attributes, type Link, type MeterProvider, type Span, type TracerProvider } from '@opentelemetry/api';
import {
  download as coreDownload,
  toPictorError,
  type CallOptions,
  type DownloadOptions,
  type DownloadedImage,
  type GeneratedImage,
  type ImageProvider,
  type ImageRequest,
  type ImageResult,
  type PictorEventListener,
  type TaskHandle,
  type TaskStatus,
} from '@pictor/core';
import { ATTR, GENERATE_CONTENT, resultAttributes, type PictorOperation } from './attributes.ts';
import { CallTrace, failSpan } from './call-trace.ts';
import { PictorMetrics } from './metrics.ts';
import { formatTraceparent, parseTraceparent } from './traceparent.ts';

export interface PictorTelemetryOptions {
  /** Where spans go. @default the global tracer provider (`trace.getTracerProvider()`) */
  readonly tracerProvider?: TracerProvider | undefined;
  /** Where metrics go. @default the global meter provider (`metrics.getMeterProvider()`) */
  readonly meterProvider?: MeterProvider | undefined;
}

export interface PictorTelemetry {
  /** The provider with every call traced and measured; everything else it has is left as is. */
  instrument<P extends ImageProvider>(provider: P): P;
  /** Core's `download`, as a `pictor.download` span: a child of the call that returned the image when known. */
  download(image: GeneratedImage | string, options?: DownloadOptions): Promise<DownloadedImage>;
}

const SCOPE = '@pictor/otel';
const VERSION = '0.1.0';

/** Where a call is aimed before it runs: the requested provider and model. */
interface Target {
  readonly provider: string;
  readonly model: string;
}

export function createPictorTelemetry(options: PictorTelemetryOptions = {}): PictorTelemetry {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE, VERSION);
  const meter = new PictorMetrics((options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE, VERSION));
  // Which call returned an image, so its download joins that call's trace. Weak: results are not kept alive.
  const origins = new WeakMap<GeneratedImage, Span>();

  async function traced<T>(
    operation: PictorOperation,
    target: Target,
    routed: boolean,
    options: CallOptions | undefined,
    links: Link[],
    run: (options: CallOptions) => Promise<T>,
  ): Promise<T> {
    const startedAt = Date.now();
    const name = `${operation === 'generate' ? GENERATE_CONTENT : `pictor.${operation}`} ${target.model}`;
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, startTime: startedAt, attributes: startAttributes(operation, target), links }, context.active());
    const spanContext = trace.setSpan(context.active(), span);
    const call = new CallTrace(tracer, span, spanContext, routed, startedAt);
    const traceparent = operation === 'generate' || operation === 'submit' ? formatTraceparent(span.spanContext()) : undefined;
    const inner: CallOptions = {
      ...options,
      onEvent: chain(call.listener, options?.onEvent),
      ...(traceparent ? { traceparent } : {}),
    };
    try {
      const value = await context.with(spanContext, () => run(inner));
      const endedAt = Date.now();
      call.end(endedAt);
      const result = resultOf(value);
      if (result) {
        span.setAttributes(resultAttributes(result));
        for (const image of result.images) origins.set(image, span);
      }
      if (isHandle(value)) span.setAttribute(ATTR.taskId, value.taskId);
      meter.record({ operation, ...target, durationMs: endedAt - startedAt, result, statusReads: result?.taskId !== undefined ? result.timings.statusRequests : undefined });
      span.end(endedAt);
      return value;
    } catch (caught) {
      const error = toPictorError(caught);
      const endedAt = Date.now();
      call.end(endedAt, error);
      failSpan(span, error);
      const accepted = error.handle ?? call.handle;
      if (accepted) span.setAttribute(ATTR.statusRequests, call.statusReads);
      meter.record({ operation, ...target, durationMs: endedAt - startedAt, error, statusReads: accepted?.mode === 'async' ? call.statusReads : undefined });
      span.end(endedAt);
      throw caught;
    }
  }

  function instrument<P extends ImageProvider>(provider: P): P {
    const routed = typeof (provider as { breakers?: unknown }).breakers === 'function';
    const forRequest = (request: ImageRequest): Target => targetOf(provider, request, routed);
    // Delegates everything else (models, breakers, a mock's call log…) to the provider itself.
    const wrapped = Object.create(provider) as P;
    Object.assign(wrapped, {
      generate: (request: ImageRequest, options?: CallOptions) =>
        traced('generate', forRequest(request), routed, options, [], (inner) => provider.generate(request, inner)),
      submit: (request: ImageRequest, options?: CallOptions) => traced('submit', forRequest(request), routed, options, [], (inner) => provider.submit(request, inner)),
      wait: (handle: TaskHandle, options?: CallOptions) => traced('wait', targetOfHandle(handle), false, options, linkTo(handle), (inner) => provider.wait(handle, inner)),
      status: (handle: TaskHandle, options?: CallOptions) =>
        traced('status', targetOfHandle(handle), false, options, linkTo(handle), (inner) => provider.status(handle, inner)),
    });
    return wrapped;
  }

  async function download(image: GeneratedImage | string, downloadOptions: DownloadOptions = {}): Promise<DownloadedImage> {
    const origin = typeof image === 'string' ? undefined : origins.get(image);
    const parent = origin ? trace.setSpan(context.active(), origin) : context.active();
    const span = tracer.startSpan('pictor.download', { kind: SpanKind.CLIENT, attributes: hostOf(typeof image === 'string' ? image : image.url) }, parent);
    try {
      const downloaded = await context.with(trace.setSpan(parent, span), () => coreDownload(image, downloadOptions));
      span.setAttributes({ [ATTR.downloadBytes]: downloaded.bytes.byteLength, [ATTR.downloadMediaType]: downloaded.mediaType });
      return downloaded;
    } catch (caught) {
      failSpan(span, toPictorError(caught));
      throw caught;
    } finally {
      span.end();
    }
  }

  return { instrument, download };
}

/** One-line setup: `instrument(createImageClient(config))` with the global providers (or the given ones). */
export function instrument<P extends ImageProvider>(provider: P, options?: PictorTelemetryOptions): P {
  return createPictorTelemetry(options).instrument(provider);
}

/** Our listener first: a user's listener that throws must not cost the trace its spans. */
function chain(ours: PictorEventListener, theirs: PictorEventListener | undefined): PictorEventListener {
  if (!theirs) return ours;
  return (event) => {
    ours(event);
    theirs(event);
  };
}

function startAttributes(operation: PictorOperation, target: Target): Attributes {
  return {
    [ATTR.operation]: operation,
    ...(operation === 'status' ? {} : { [ATTR.operationName]: GENERATE_CONTENT, [ATTR.outputType]: 'image' }),
    [ATTR.providerName]: target.provider,
    [ATTR.requestModel]: target.model,
  };
}

/** The requested provider and model: 'provider:model', a routed provider's first candidate, or the provider's own. */
function targetOf(provider: ImageProvider, request: ImageRequest, routed: boolean): Target {
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

function targetOfHandle(handle: TaskHandle): Target {
  return { provider: String(handle?.provider ?? 'unknown'), model: String(handle?.model ?? 'unknown') };
}

/** A resumed wait (or a status read) links to the call that submitted its task, when the handle says which. */
function linkTo(handle: TaskHandle): Link[] {
  const submitted = parseTraceparent((handle as { traceparent?: unknown } | undefined)?.traceparent);
  return submitted ? [{ context: submitted, attributes: { [ATTR.reason]: 'submitted the task' } }] : [];
}

function resultOf(value: unknown): ImageResult | undefined {
  if (!value || typeof value !== 'object') return undefined;
  if ('images' in value && 'cost' in value) return value as ImageResult;
  const nested = (value as TaskStatus | TaskHandle).result;
  return nested && typeof nested === 'object' ? nested : undefined;
}

function isHandle(value: unknown): value is TaskHandle {
  return !!value && typeof value === 'object' && 'taskId' in value && 'version' in value;
}

/** Only the host: an image URL's path and query may carry a signature. */
function hostOf(url: string): Attributes {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'data:' ? {} : { [ATTR.serverAddress]: parsed.hostname };
  } catch {
    return {};
  }
}
