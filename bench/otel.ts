/**
 * OpenTelemetry overhead: sync generations on the emulator (one HTTP request each), through the
 * same Z.AI provider plain and instrumented with @pictor/otel on a real SDK (BatchSpanProcessor
 * into an exporter that only counts, a MeterProvider with a reader). The baseline is the plain
 * provider in the same run, interleaved; the better of two rounds is kept per client.
 */
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { createPictorTelemetry } from '@pictor/otel';
import { createZai } from '@pictor/zai';
import { fmt, load, median, startEmulatorProcess, type Row } from './lib.ts';

class CountingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    this.spans += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

class Reader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export async function runOtel(quick: boolean): Promise<Row[]> {
  const emulator = await startEmulatorProcess();
  const exporter = new CountingExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
  const meterProvider = new MeterProvider({ readers: [new Reader()] });
  const plain = createZai({ apiKey: 'bench-key-000000000000', baseURL: emulator.zaiBaseURL });
  const traced = createPictorTelemetry({ tracerProvider, meterProvider }).instrument(plain);
  const clients: Record<string, (i: number) => Promise<unknown>> = {
    plain: (i) => plain.generate({ model: 'cogview-4-250304', prompt: `p ${i}` }),
    instrumented: (i) => traced.generate({ model: 'cogview-4-250304', prompt: `p ${i}` }),
  };
  const rows: Row[] = [];
  try {
    for (const call of Object.values(clients)) await load(quick ? 50 : 300, 8, call); // warm up
    for (const concurrency of [1, 32]) {
      const count = quick ? 400 : concurrency === 1 ? 1000 : 4000;
      const best: Record<string, { rps: number; p50: number }> = {};
      for (let round = 0; round < 2; round++) {
        for (const [name, call] of Object.entries(clients)) {
          const { latencies, wallMs } = await load(count, concurrency, call);
          const rps = count / (wallMs / 1000);
          if (!best[name] || rps > best[name].rps) best[name] = { rps, p50: median(latencies) };
        }
      }
      const base = best.plain!;
      const otel = best.instrumented!;
      rows.push({
        scenario: `otel c=${concurrency}`,
        metric: 'throughput (req/s), p50 (ms)',
        pictor: `${fmt(otel.rps, 0)}, ${fmt(otel.p50)}`,
        baseline: `uninstrumented ${fmt(base.rps, 0)}, ${fmt(base.p50)}`,
        ratio: `${fmt(otel.rps / base.rps)}x`,
        target: '>= 0.9x uninstrumented',
        met: otel.rps >= 0.9 * base.rps,
      });
    }
    await tracerProvider.forceFlush();
    if (exporter.spans === 0) throw new Error('bench/otel: no span was exported: the instrumented client measured nothing');
  } finally {
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
    await emulator.close();
  }
  return rows;
}
