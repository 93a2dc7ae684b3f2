/**
 * No key in any span or metric attribute, even when the provider echoes the key back (the emulator
 * is scripted to put it in its error messages), on success, on failover and on total failure.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { startEmulator, type Emulator } from '@pictor/testing';
import { createImageClient } from 'pictor';
import { afterEach, describe, expect, it } from 'vitest';
import { fastPoll, otelHarness } from './harness.ts';

// Shaped like no known key format, so only the registered-key redaction can catch it.
const ZAI_KEY = 'otelFakeZaiKey0123456789';
const NOVITA_KEY = 'otelFakeNovitaKey9876543210';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function clientFor(otel: ReturnType<typeof otelHarness>, running: Emulator) {
  return otel.telemetry.instrument(
    createImageClient({
      model: 'zai:glm-image',
      fallbacks: ['novita:glm-image'],
      providers: { zai: { apiKey: ZAI_KEY, baseURL: running.zaiBaseURL }, novita: { apiKey: NOVITA_KEY, baseURL: running.novitaBaseURL } },
    }),
  );
}

async function metricAttributeStrings(otel: ReturnType<typeof otelHarness>): Promise<string[]> {
  const names = ['gen_ai.client.operation.duration', 'pictor.generations', 'pictor.images', 'pictor.status_requests', 'pictor.cost'];
  const all = await Promise.all(names.map((name) => otel.points(name)));
  return all.flat().flatMap((point) => Object.entries(point.attributes).flatMap(([k, v]) => [k, String(v)]));
}

function expectNoKey(strings: readonly string[]): void {
  expect(strings.length).toBeGreaterThan(10);
  for (const text of strings) {
    for (const key of [ZAI_KEY, NOVITA_KEY, ZAI_KEY.slice(-12), NOVITA_KEY.slice(-12)]) expect(text).not.toContain(key);
  }
}

describe('no key in telemetry', () => {
  it('keeps echoed keys out of every attribute, event, link and status on a failover with a retried read', async () => {
    emulator = await startEmulator({
      durations: 10,
      imageSize: { width: 8, height: 8 },
      faults: [
        { provider: 'zai', endpoint: 'submit', type: 'http', status: 503, message: `upstream rejected Bearer ${ZAI_KEY} (key ${ZAI_KEY})` },
        { provider: 'novita', endpoint: 'status', type: 'http', status: 502, message: `bad gateway for key ${NOVITA_KEY}` },
      ],
    });
    const otel = otelHarness();
    const result = await clientFor(otel, emulator).generate({ prompt: 'a key-shaped cloud' }, { ...fastPoll, retry: { status: { minDelayMs: 1, maxDelayMs: 1 } } });
    expect(result.provider).toBe('novita');

    const t = await otel.snapshot();
    // The faults did strike: a failed candidate and a failed status read, both with messages.
    expect(t.named('pictor.candidate').map((s) => s.status.code)).toContain(SpanStatusCode.ERROR);
    expect(t.named('pictor.status').some((s) => s.status.code === SpanStatusCode.ERROR && (s.status.message ?? '').length > 0)).toBe(true);
    // …and the echoed key did reach a message, scrubbed: the scan above is not vacuous.
    expect(t.everyString().some((text) => text.includes('[REDACTED]'))).toBe(true);
    expectNoKey(t.everyString());
    expectNoKey(await metricAttributeStrings(otel));
  });

  it('keeps them out when every candidate fails', async () => {
    emulator = await startEmulator({
      faults: [
        { provider: 'zai', endpoint: 'submit', type: 'http', status: 503, message: `no capacity for ${ZAI_KEY}`, times: 5 },
        { provider: 'novita', endpoint: 'submit', type: 'http', status: 503, message: `no capacity for ${NOVITA_KEY}`, times: 5 },
      ],
    });
    const otel = otelHarness();
    await expect(clientFor(otel, emulator).generate({ prompt: 'x' }, fastPoll)).rejects.toMatchObject({ kind: 'provider_unavailable' });
    const t = await otel.snapshot();
    const root = t.one('generate_content glm-image');
    expect(root.status.code).toBe(SpanStatusCode.ERROR);
    expect(root.status.message).toContain('All 2 candidates failed');
    expectNoKey(t.everyString());
    expectNoKey(await metricAttributeStrings(otel));
  });
});
