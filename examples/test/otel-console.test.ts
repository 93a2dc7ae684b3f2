import { afterEach, describe, expect, it, vi } from 'vitest';
import { traceToConsole } from '../otel-console.ts';

afterEach(() => void vi.restoreAllMocks());

describe('examples/otel-console', () => {
  it('prints the trace of a failed-over generation to the console', async () => {
    const printed: unknown[] = [];
    // ConsoleSpanExporter prints each span with console.dir.
    vi.spyOn(console, 'dir').mockImplementation((value: unknown) => void printed.push(value));
    const result = await traceToConsole();
    expect(result.cost).toMatchObject({ basis: 'configured', usd: 0.01 });

    const spans = printed as { name: string; id: string; parentSpanContext?: { spanId: string }; attributes: Record<string, unknown>; status: { code: number } }[];
    const root = spans.find((s) => s.name === 'generate_content glm-image');
    expect(root?.attributes).toMatchObject({ 'gen_ai.operation.name': 'generate_content', 'pictor.route': ['mock:glm-image:failed', 'mock:cogview-4-250304:served'] });
    const candidates = spans.filter((s) => s.name === 'pictor.candidate');
    expect(candidates.map((c) => [c.attributes['pictor.candidate'], c.parentSpanContext?.spanId])).toEqual([
      ['mock:glm-image', root?.id],
      ['mock:cogview-4-250304', root?.id],
    ]);
    expect(candidates[0]?.attributes['error.type']).toBe('provider_unavailable');
  });
});
