import { TraceFlags } from '@opentelemetry/api';
import { createMock } from '@pictor/mock';
import { describe, expect, it } from 'vitest';
import { formatTraceparent, instrument, parseTraceparent } from '../src/index.ts';

const valid = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };

describe('traceparent', () => {
  it('round-trips a span context', () => {
    const text = formatTraceparent(valid);
    expect(text).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(parseTraceparent(text)).toEqual({ ...valid, isRemote: true });
  });

  it('formats nothing for an invalid (no-op) context', () => {
    expect(formatTraceparent({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 })).toBeUndefined();
  });

  it('refuses anything malformed instead of throwing (handles come from disk)', () => {
    for (const bad of [undefined, null, 42, {}, '', '00-zz', `00-${'0'.repeat(32)}-${'0'.repeat(16)}-01`, '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'x'.repeat(100_000)]) {
      expect(parseTraceparent(bad)).toBeUndefined();
    }
  });
});

describe('without an SDK', () => {
  it('works with the global no-op providers and leaves no traceparent in the handle', async () => {
    const mock = instrument(createMock({ durationMs: 5 }));
    const handle = await mock.submit({ prompt: 'x', model: 'glm-image' });
    expect(handle.traceparent).toBeUndefined();
    await expect(mock.wait(handle, { poll: { firstDelayMs: 0, intervalMs: 2, minIntervalMs: 2 } })).resolves.toMatchObject({ provider: 'mock' });
  });
});
