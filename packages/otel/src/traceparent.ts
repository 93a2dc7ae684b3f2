/**
 * W3C traceparent text for a span context and back: how a task handle remembers the call that
 * submitted it, so a wait resumed in another process (hours later) links to it.
 */
import { trace, type SpanContext } from '@opentelemetry/api';

const TRACEPARENT = /^00-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/;

export function formatTraceparent(context: SpanContext): string | undefined {
  if (!trace.isSpanContextValid(context)) return undefined;
  return `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The span context a traceparent names, or undefined for anything malformed (handles come from disk). */
export function parseTraceparent(text: unknown): SpanContext | undefined {
  if (typeof text !== 'string') return undefined;
  const match = TRACEPARENT.exec(text);
  if (!match) return undefined;
  const context: SpanContext = { traceId: match[1] as string, spanId: match[2] as string, traceFlags: Number.parseInt(match[3] as string, 16), isRemote: true };
  return trace.isSpanContextValid(context) ? context : undefined;
}
