/**
 * One call's lifecycle events turned into child spans of the call's span. Events arrive after the
 * fact (a status read is reported when it ends), so each child is created with explicit start and
 * end times taken from the events: `durationMs` on status and retry events, the handle's
 * `submittedAt`, and the previous boundary for a candidate or a submit attempt (they run one after
 * the other).
 *
 *   generate_content glm-image           (the call, made by the instrumented provider)
 *   ├─ pictor.candidate zai:glm-image    (routed calls only: one per candidate tried or skipped)
 *   │  ├─ pictor.submit                  (one per HTTP attempt: a retried submit gives several)
 *   │  └─ pictor.status                  (one per status read attempt)
 *   └─ pictor.candidate novita:glm-image
 */
import { SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { PictorError, PictorEvent, PictorEventListener, TaskHandle } from '@pictor/core';
import { redactSecrets } from '@pictor/core/adapter';
import { ATTR, errorAttributes, handleAttributes } from './attributes.ts';

interface Candidate {
  readonly label: string;
  readonly span: Span;
  readonly context: Context;
}

export class CallTrace {
  /** Status reads seen, for the status-reads-per-task histogram when the call fails. */
  statusReads = 0;
  /** The accepted task, once a submit succeeded. */
  handle: TaskHandle | undefined;
  /** Where the next submit attempt (or the next candidate) starts, in ms since the epoch. */
  private boundary: number;
  /** Where the next status read attempt starts after a retried one. */
  private statusResume: number | undefined;
  private candidate: Candidate | undefined;
  readonly listener: PictorEventListener = (event) => this.on(event);

  private readonly tracer: Tracer;
  private readonly root: Span;
  private readonly rootContext: Context;
  /** True for a failover router or client: children are grouped by candidate. */
  private readonly routed: boolean;

  constructor(tracer: Tracer, root: Span, rootContext: Context, routed: boolean, startedAt: number) {
    this.tracer = tracer;
    this.root = root;
    this.rootContext = rootContext;
    this.routed = routed;
    this.boundary = startedAt;
  }

  on(event: PictorEvent): void {
    const at = Date.parse(event.at);
    switch (event.type) {
      case 'submitted':
        return this.submitted(event.handle, event, at);
      case 'status':
        return this.status(event, at);
      case 'retry':
        return this.retry(event, at);
      case 'failover':
        return this.failover(event, at);
      case 'failed':
        return this.failed(event.error, event, at);
      case 'completed':
        return;
    }
  }

  /** Ends an open candidate span with the call: it served the call, or the call failed there (`error`). */
  end(at: number, error?: PictorError): void {
    if (!this.candidate) return;
    this.candidate.span.setAttribute(ATTR.candidateOutcome, error ? 'failed' : 'served');
    if (error) failSpan(this.candidate.span, error);
    this.candidate.span.end(at);
    this.candidate = undefined;
  }

  private submitted(handle: TaskHandle, event: PictorEvent, at: number): void {
    this.handle = handle;
    const start = Math.max(this.boundary, Date.parse(handle.submittedAt) || this.boundary);
    const span = this.child('pictor.submit', event, start);
    span.setAttributes(handleAttributes(handle));
    span.end(at);
    this.root.setAttributes(handleAttributes(handle));
  }

  private status(event: Extract<PictorEvent, { type: 'status' }>, at: number): void {
    this.statusReads = event.statusRequests;
    const span = this.child('pictor.status', event, this.statusResume ?? at - (event.durationMs ?? 0));
    this.statusResume = undefined;
    span.setAttributes({
      [ATTR.taskId]: event.taskId,
      [ATTR.taskState]: event.state,
      [ATTR.statusRequests]: event.statusRequests,
      ...(event.progress !== undefined ? { [ATTR.progress]: event.progress } : {}),
    });
    span.end(at);
  }

  /** A failed attempt that will be retried: its own span, in error, then the wait before the next. */
  private retry(event: Extract<PictorEvent, { type: 'retry' }>, at: number): void {
    const span = this.child(event.stage === 'submit' ? 'pictor.submit' : 'pictor.status', event, at - (event.durationMs ?? 0));
    span.setAttributes({ [ATTR.attempt]: event.attempt, [ATTR.retryDelayMs]: event.delayMs });
    failSpan(span, event.error);
    span.end(at);
    if (event.stage === 'submit') this.boundary = at + event.delayMs;
    else this.statusResume = at + event.delayMs;
  }

  /** A call (or, routed, a candidate) failed. Before a task was accepted, that was a submit attempt. */
  private failed(error: PictorError, event: PictorEvent, at: number): void {
    // After acceptance the failure belongs to the wait (the call's span records it); a request refused
    // locally (validation, no HTTP status) never reached the provider.
    if (error.handle || (error.kind === 'invalid_request' && error.status === undefined)) return;
    const span = this.child('pictor.submit', event, this.boundary);
    failSpan(span, error);
    span.end(at);
  }

  private failover(event: Extract<PictorEvent, { type: 'failover' }>, at: number): void {
    this.root.addEvent('pictor.failover', { 'pictor.from': event.from, 'pictor.to': event.to ?? '', [ATTR.reason]: redactSecrets(event.reason) }, at);
    if (!this.routed) return;
    const candidate = this.candidateFor(event.from, event);
    candidate.span.setAttributes({ [ATTR.candidateOutcome]: event.error ? 'failed' : 'skipped', [ATTR.reason]: redactSecrets(event.reason) });
    if (event.error) failSpan(candidate.span, event.error);
    candidate.span.end(at);
    this.candidate = undefined;
    this.boundary = at;
  }

  /** A child span of the current candidate (routed) or of the call. */
  private child(name: string, event: PictorEvent, start: number): Span {
    const parent = this.routed ? this.candidateFor(`${event.provider}:${event.model}`, event).context : this.rootContext;
    return this.tracer.startSpan(
      name,
      { kind: SpanKind.CLIENT, startTime: start, attributes: { [ATTR.providerName]: event.provider, [ATTR.requestModel]: event.model } },
      parent,
    );
  }

  private candidateFor(label: string, event: PictorEvent): Candidate {
    if (this.candidate?.label === label) return this.candidate;
    this.end(Date.parse(event.at));
    const span = this.tracer.startSpan(
      'pictor.candidate',
      { kind: SpanKind.INTERNAL, startTime: this.boundary, attributes: { [ATTR.candidate]: label, [ATTR.providerName]: event.provider, [ATTR.requestModel]: event.model } },
      this.rootContext,
    );
    this.candidate = { label, span, context: trace.setSpan(this.rootContext, span) };
    return this.candidate;
  }
}

/** Span status ERROR with the error's kind as `error.type` (OpenTelemetry's recording-errors convention). */
export function failSpan(span: Span, error: PictorError): void {
  span.setAttributes(errorAttributes(error));
  // Pictor's messages are already scrubbed; scrubbing again costs little and a trace backend keeps what it gets.
  span.setStatus({ code: SpanStatusCode.ERROR, message: redactSecrets(error.message) });
}
