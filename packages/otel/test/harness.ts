/**
 * An OpenTelemetry SDK kept in memory for tests: spans in an InMemorySpanExporter, metrics read on
 * demand by a MetricReader, and AsyncLocalStorage as the context manager (so a caller's active span
 * is visible to Pictor's).
 */
import { context, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { createPictorTelemetry } from '../src/index.ts';

class TestReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

let contextManager: AsyncLocalStorageContextManager | undefined;

export function otelHarness() {
  if (!contextManager) {
    contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
  }
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const telemetry = createPictorTelemetry({ tracerProvider, meterProvider });

  /** The finished spans once the (asynchronous) exports have landed, with ways to walk the tree. */
  async function snapshot() {
    await tracerProvider.forceFlush();
    const spans = exporter.getFinishedSpans();
    const named = (name: string) => spans.filter((s) => s.name === name);
    const one = (name: string): ReadableSpan => {
      const found = named(name);
      if (found.length !== 1) throw new Error(`expected one span "${name}", found ${found.length}: ${spans.map((s) => s.name).join(', ')}`);
      return found[0] as ReadableSpan;
    };
    const childrenOf = (parent: ReadableSpan) => spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);
    const parentOf = (child: ReadableSpan) => spans.find((s) => s.spanContext().spanId === child.parentSpanContext?.spanId);
    return { spans, named, one, childrenOf, parentOf, everyString: () => everyString(spans) };
  }

  /** Data points of one metric, with their attributes. */
  async function points(name: string): Promise<DataPoint<number | Histogram>[]> {
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
    return (metric?.dataPoints ?? []) as DataPoint<number | Histogram>[];
  }

  /** Every string an exporter would ship for these spans: names, attributes, events, links, status. */
  function everyString(spans: readonly ReadableSpan[]): string[] {
    const values = (attributes: Attributes | undefined) => Object.entries(attributes ?? {}).flatMap(([k, v]) => [k, ...(Array.isArray(v) ? v : [v]).map(String)]);
    return spans.flatMap((s) => [
      s.name,
      s.status.message ?? '',
      ...values(s.attributes),
      ...s.events.flatMap((e) => [e.name, ...values(e.attributes)]),
      ...s.links.flatMap((l) => values(l.attributes)),
    ]);
  }

  return { telemetry, snapshot, points, tracerProvider, meterProvider };
}

/** Poll settings that make the mock's tasks finish in a few reads without real waiting. */
export const fastPoll = { poll: { firstDelayMs: 0, intervalMs: 2, minIntervalMs: 2, maxEtaWaitMs: 2 } };
