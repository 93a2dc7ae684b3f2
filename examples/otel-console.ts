/**
 * Run: `node --conditions=@pictor/source examples/otel-console.ts`
 *
 * Observability: one generation traced to the console. The primary model is scripted to be down,
 * so the trace shows the whole route: the call's span, one span per candidate (the failed one in
 * error, by kind), and the submit and status reads under the candidate that served.
 *
 * In an application, register your SDK (NodeSDK, an OTLP exporter…) once and call
 * `instrument(client)` with no options: it uses the global tracer and meter providers.
 */
import { ConsoleSpanExporter, SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { instrument } from '@pictor/otel';
import { createImageClient } from 'pictor';

export async function traceToConsole(exporter: SpanExporter = new ConsoleSpanExporter()) {
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const client = instrument(
    createImageClient({
      model: 'mock:glm-image',
      fallbacks: ['mock:cogview-4-250304'],
      providers: { mock: { durationMs: 50, faults: [{ on: 'submit', error: 'provider_unavailable', times: 1 }] } },
      // This deployment's own price: the span and the cost metric say 'configured'.
      prices: { 'mock:cogview-4-250304': { usdPerImage: 0.01 } },
    }),
    { tracerProvider },
  );
  const result = await client.generate({ prompt: 'A lantern in the fog' });
  // Spans are exported as they end; shutting down flushes the last ones before the process exits.
  await tracerProvider.shutdown();
  return result;
}

if (import.meta.main) {
  const result = await traceToConsole();
  console.log(`Served by ${result.provider}:${result.model}; cost ${result.cost.usd} USD (${result.cost.basis})`);
}
