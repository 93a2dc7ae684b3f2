/**
 * Pictor calls as OpenTelemetry spans and metrics. `instrument(provider)` wraps any ImageProvider
 * (a single provider, a failover router, or an ImageClient): each call gets a span in the caller's
 * active context, and a listener on the call's lifecycle events adds the child spans. Only
 * `@opentelemetry/api` is used: with no SDK registered everything is a no-op.
 */
import { SpanKind, context, metrics, trace, type Attributes, type Link, type MeterProvider, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
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
  type PictorError,
  type PictorEventListener,
  type TaskHandle,
} from '@pictor/core';
import { ATTR, GENERATE_CONTENT, resultAttributes, type PictorOperation } from './attributes.ts';
import { CallTrace, failSpan } from './call-trace.ts';
import { PictorMetrics } from './metrics.ts';
import { hostAttributes, isHandle, linkTo, requestAttributes, resultOf, startAttributes, targetOf, targetOfHandle, type Target } from './targets.ts';
import { formatTraceparent } from './traceparent.ts';

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

/** One call about to run: what it is, where it is aimed, and the options the caller gave. */
interface CallSpec {
  readonly operation: PictorOperation;
  readonly target: Target;
  /** A failover router or client: children are grouped per candidate. */
  readonly routed: boolean;
  readonly options: CallOptions | undefined;
  readonly links: Link[];
  /** Request attributes known before the call (choice count, seed). */
  readonly attributes?: Attributes | undefined;
}

class Telemetry implements PictorTelemetry {
  private readonly tracer: Tracer;
  private readonly metrics: PictorMetrics;
  // Which call returned an image, so its download joins that call's trace. Weak: results are not kept alive.
  private readonly origins = new WeakMap<GeneratedImage, Span>();

  constructor(options: PictorTelemetryOptions) {
    this.tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE, VERSION);
    this.metrics = new PictorMetrics((options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE, VERSION));
  }

  instrument<P extends ImageProvider>(provider: P): P {
    const routed = typeof (provider as { breakers?: unknown }).breakers === 'function';
    const aimed = (operation: PictorOperation, request: ImageRequest, options: CallOptions | undefined): CallSpec => ({
      operation,
      target: targetOf(provider, request, routed),
      routed,
      options,
      links: [],
      attributes: requestAttributes(request),
    });
    const resumed = (operation: PictorOperation, handle: TaskHandle, options: CallOptions | undefined): CallSpec => ({
      operation,
      target: targetOfHandle(handle),
      routed: false, // a task is bound to its provider: no route when resuming
      options,
      links: linkTo(handle),
    });
    // Delegates everything else (models, breakers, a mock's call log…) to the provider itself.
    const wrapped = Object.create(provider) as P;
    Object.assign(wrapped, {
      generate: (request: ImageRequest, options?: CallOptions) => this.traced(aimed('generate', request, options), (inner) => provider.generate(request, inner)),
      submit: (request: ImageRequest, options?: CallOptions) => this.traced(aimed('submit', request, options), (inner) => provider.submit(request, inner)),
      wait: (handle: TaskHandle, options?: CallOptions) => this.traced(resumed('wait', handle, options), (inner) => provider.wait(handle, inner)),
      status: (handle: TaskHandle, options?: CallOptions) => this.traced(resumed('status', handle, options), (inner) => provider.status(handle, inner)),
    });
    return wrapped;
  }

  async download(image: GeneratedImage | string, options: DownloadOptions = {}): Promise<DownloadedImage> {
    const origin = typeof image === 'string' ? undefined : this.origins.get(image);
    const parent = origin ? trace.setSpan(context.active(), origin) : context.active();
    const url = typeof image === 'string' ? image : image.url;
    const span = this.tracer.startSpan('pictor.download', { kind: SpanKind.CLIENT, attributes: hostAttributes(url) }, parent);
    try {
      const downloaded = await context.with(trace.setSpan(parent, span), () => coreDownload(image, options));
      span.setAttributes({ [ATTR.downloadBytes]: downloaded.bytes.byteLength, [ATTR.downloadMediaType]: downloaded.mediaType });
      return downloaded;
    } catch (caught) {
      failSpan(span, toPictorError(caught));
      throw caught;
    } finally {
      span.end();
    }
  }

  /** Runs one call inside its span, with a listener that builds the children, and records its metrics. */
  private async traced<T>(spec: CallSpec, run: (options: CallOptions) => Promise<T>): Promise<T> {
    const startedAt = Date.now();
    const { operation, target } = spec;
    const name = `${operation === 'generate' ? GENERATE_CONTENT : `pictor.${operation}`} ${target.model}`;
    const span = this.tracer.startSpan(name, { kind: SpanKind.CLIENT, startTime: startedAt, attributes: { ...startAttributes(operation, target), ...spec.attributes }, links: spec.links }, context.active());
    const spanContext = trace.setSpan(context.active(), span);
    const call = new CallTrace(this.tracer, span, spanContext, spec.routed, startedAt);
    // A submitted task remembers this span, so a wait resumed anywhere links back to it.
    const traceparent = operation === 'generate' || operation === 'submit' ? formatTraceparent(span.spanContext()) : undefined;
    const inner: CallOptions = { ...spec.options, onEvent: chain(call.listener, spec.options?.onEvent), ...(traceparent ? { traceparent } : {}) };
    try {
      const value = await context.with(spanContext, () => run(inner));
      this.succeeded(spec, span, call, value, startedAt);
      return value;
    } catch (caught) {
      this.failed(spec, span, call, toPictorError(caught), startedAt);
      throw caught;
    }
  }

  private succeeded(spec: CallSpec, span: Span, call: CallTrace, value: unknown, startedAt: number): void {
    const endedAt = Date.now();
    call.end(endedAt);
    const result: ImageResult | undefined = resultOf(value);
    if (result) {
      span.setAttributes(resultAttributes(result));
      for (const image of result.images) this.origins.set(image, span);
    }
    if (isHandle(value)) span.setAttribute(ATTR.taskId, value.taskId);
    // Only async tasks are polled: a sync result's zero reads would skew the histogram.
    const statusReads = result?.taskId !== undefined ? result.timings.statusRequests : undefined;
    this.metrics.record({ operation: spec.operation, ...spec.target, durationMs: endedAt - startedAt, result, statusReads });
    span.end(endedAt);
  }

  private failed(spec: CallSpec, span: Span, call: CallTrace, error: PictorError, startedAt: number): void {
    const endedAt = Date.now();
    call.end(endedAt, error);
    failSpan(span, error);
    const accepted = error.handle ?? call.handle;
    if (accepted) span.setAttribute(ATTR.statusRequests, call.statusReads);
    const statusReads = accepted?.mode === 'async' ? call.statusReads : undefined;
    this.metrics.record({ operation: spec.operation, ...spec.target, durationMs: endedAt - startedAt, error, statusReads });
    span.end(endedAt);
  }
}

/** Telemetry bound to a tracer and a meter provider (the global ones by default). */
export function createPictorTelemetry(options: PictorTelemetryOptions = {}): PictorTelemetry {
  return new Telemetry(options);
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
