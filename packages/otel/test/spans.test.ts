import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { createMock } from '@pictor/mock';
import { startEmulator } from '@pictor/testing';
import { createZai } from '@pictor/zai';
import { PictorError, collectEvents, createImageClient, parseTaskHandle, serializeTaskHandle } from 'pictor';
import { describe, expect, it } from 'vitest';
import { fastPoll, otelHarness } from './harness.ts';

const failoverConfig = {
  model: 'mock:glm-image',
  fallbacks: ['mock:cogview-4-250304'],
  providers: { mock: { durationMs: 5, faults: [{ on: 'submit' as const, error: 'provider_unavailable' as const, times: 1 }] } },
};

describe('span tree of a failover route', () => {
  it('has one span per candidate under the call: the failed one in error with its submit, the served one with its own', async () => {
    const otel = otelHarness();
    const client = otel.telemetry.instrument(createImageClient(failoverConfig));
    const result = await client.generate({ prompt: 'a paper boat' }, fastPoll);
    expect(result.route.map((s) => s.outcome)).toEqual(['failed', 'served']);
    const t = await otel.snapshot();

    const root = t.one('generate_content glm-image');
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.output.type': 'image',
      'gen_ai.provider.name': 'mock',
      'gen_ai.request.model': 'glm-image',
      'gen_ai.response.model': 'cogview-4-250304',
      'pictor.operation': 'generate',
      'pictor.mode': 'sync',
      'pictor.images': 1,
      'pictor.cost.basis': 'published',
      'pictor.route': ['mock:glm-image:failed', 'mock:cogview-4-250304:served'],
    });
    expect(root.events.map((e) => [e.name, e.attributes])).toEqual([
      ['pictor.failover', { 'pictor.from': 'mock:glm-image', 'pictor.to': 'mock:cogview-4-250304', 'pictor.reason': 'provider_unavailable' }],
    ]);

    const candidates = t.childrenOf(root);
    expect(candidates.map((c) => [c.name, c.attributes['pictor.candidate'], c.attributes['pictor.candidate.outcome']])).toEqual([
      ['pictor.candidate', 'mock:glm-image', 'failed'],
      ['pictor.candidate', 'mock:cogview-4-250304', 'served'],
    ]);
    const [failed, served] = candidates as [ReadableSpan, ReadableSpan];
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes['error.type']).toBe('provider_unavailable');
    const failedSubmit = t.childrenOf(failed);
    expect(failedSubmit.map((s) => [s.name, s.status.code, s.attributes['error.type'], s.attributes['pictor.submit.outcome']])).toEqual([
      ['pictor.submit', SpanStatusCode.ERROR, 'provider_unavailable', 'not_created'],
    ]);
    const servedSubmit = t.childrenOf(served);
    expect(servedSubmit.map((s) => [s.name, s.attributes['pictor.submit.outcome'], s.attributes['gen_ai.request.model']])).toEqual([
      ['pictor.submit', 'accepted', 'cogview-4-250304'],
    ]);
    // Children sit inside their parents in time, and the candidates one after the other.
    for (const child of [failed, served, ...failedSubmit, ...servedSubmit]) {
      const parent = t.parentOf(child) as ReadableSpan;
      expect(toMs(child.startTime)).toBeGreaterThanOrEqual(toMs(parent.startTime));
      expect(toMs(child.endTime)).toBeLessThanOrEqual(toMs(parent.endTime));
    }
    expect(toMs(served.startTime)).toBeGreaterThanOrEqual(toMs(failed.endTime));
  });

  it('records a skipped candidate as a span with its reason, and status reads under the candidate that served', async () => {
    const otel = otelHarness();
    // cogview-4 cannot honour n=2 of 2048x2048… a size only glm-image supports: it is skipped.
    const client = otel.telemetry.instrument(createImageClient({ model: 'mock:cogview-4-250304', fallbacks: ['mock:glm-image'], providers: { mock: { durationMs: 5 } } }));
    await client.generate({ prompt: 'x', size: '2048x2048' }, fastPoll);
    const t = await otel.snapshot();
    const root = t.one('generate_content cogview-4-250304');
    const [skipped, served] = t.childrenOf(root) as [ReadableSpan, ReadableSpan];
    expect(skipped.attributes).toMatchObject({ 'pictor.candidate': 'mock:cogview-4-250304', 'pictor.candidate.outcome': 'skipped' });
    expect(String(skipped.attributes['pictor.reason'])).toContain('cannot honour');
    expect(t.childrenOf(skipped)).toEqual([]);
    const children = t.childrenOf(served).map((s) => s.name);
    expect(children[0]).toBe('pictor.submit');
    expect(children.slice(1).every((n) => n === 'pictor.status')).toBe(true);
    expect(children.length).toBe(1 + Number(root.attributes['pictor.status_requests']));
    expect(t.named('pictor.status').at(-1)?.attributes['pictor.task.state']).toBe('succeeded');
  });
});

describe('retries', () => {
  it('gives each submit attempt its own span, the failed one in error with its attempt number', async () => {
    const otel = otelHarness();
    const mock = otel.telemetry.instrument(createMock({ durationMs: 5, faults: [{ on: 'submit', error: 'provider_unavailable', times: 1 }] }));
    await mock.generate({ prompt: 'x', model: 'glm-image' }, { ...fastPoll, retry: { submit: { minDelayMs: 1, maxDelayMs: 1 } } });
    const t = await otel.snapshot();
    const root = t.one('generate_content glm-image');
    const submits = t.childrenOf(root).filter((s) => s.name === 'pictor.submit');
    expect(submits.map((s) => [s.status.code, s.attributes['pictor.attempt'], s.attributes['error.type']])).toEqual([
      [SpanStatusCode.ERROR, 1, 'provider_unavailable'],
      [SpanStatusCode.UNSET, undefined, undefined],
    ]);
    expect(toMs((submits[1] as ReadableSpan).startTime)).toBeGreaterThanOrEqual(toMs((submits[0] as ReadableSpan).endTime));
  });

  it('gives a retried status read a failed span before the read that answered', async () => {
    const otel = otelHarness();
    const mock = otel.telemetry.instrument(createMock({ durationMs: 5, faults: [{ on: 'status', error: 'network', times: 1 }] }));
    await mock.generate({ prompt: 'x', model: 'glm-image' }, { ...fastPoll, retry: { status: { minDelayMs: 1, maxDelayMs: 1 } } });
    const t = await otel.snapshot();
    const reads = t.named('pictor.status');
    expect(reads[0]?.attributes).toMatchObject({ 'error.type': 'network', 'pictor.attempt': 1 });
    expect(reads.at(-1)?.attributes['pictor.task.state']).toBe('succeeded');
  });
});

describe('a resumed handle', () => {
  it('links the wait, in a fresh client, to the call that submitted the task', async () => {
    const otel = otelHarness();
    const config = { model: 'mock:glm-image', providers: { mock: { durationMs: 5 } } };
    const handle = await otel.telemetry.instrument(createImageClient(config)).submit({ prompt: 'a lighthouse' });
    const saved = serializeTaskHandle(handle);

    const resumed = otel.telemetry.instrument(createImageClient(config));
    const result = await resumed.wait(parseTaskHandle(saved), fastPoll);
    const t = await otel.snapshot();

    const submit = t.one('pictor.submit glm-image');
    expect(submit.attributes).toMatchObject({ 'pictor.operation': 'submit', 'pictor.task_id': handle.taskId, 'pictor.mode': 'async' });
    const wait = t.one('pictor.wait glm-image');
    expect(wait.parentSpanContext).toBeUndefined();
    expect(wait.spanContext().traceId).not.toBe(submit.spanContext().traceId);
    expect(wait.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([[submit.spanContext().traceId, submit.spanContext().spanId]]);
    expect(wait.attributes).toMatchObject({ 'pictor.task_id': handle.taskId, 'gen_ai.response.model': 'glm-image', 'pictor.status_requests': result.timings.statusRequests });
    const reads = t.childrenOf(wait);
    expect(reads.length).toBe(result.timings.statusRequests);
    expect(reads.every((r) => r.name === 'pictor.status' && r.attributes['pictor.task_id'] === handle.taskId)).toBe(true);
  });

  it('links a wait given the handle as JSON text, as read from a file', async () => {
    const otel = otelHarness();
    const client = otel.telemetry.instrument(createImageClient({ model: 'mock:glm-image', providers: { mock: { durationMs: 5 } } }));
    const handle = await client.submit({ prompt: 'x' });
    await client.wait(serializeTaskHandle(handle) as never, fastPoll);
    const t = await otel.snapshot();
    expect(t.one('pictor.wait glm-image').links[0]?.context.spanId).toBe(t.one('pictor.submit glm-image').spanContext().spanId);
  });

  it('resumes a handle without (or with a garbled) traceparent, unlinked', async () => {
    const otel = otelHarness();
    const client = otel.telemetry.instrument(createImageClient({ model: 'mock:glm-image', providers: { mock: { durationMs: 5 } } }));
    const { traceparent: _dropped, ...handle } = await createImageClient({ model: 'mock:glm-image' }).submit({ prompt: 'x' });
    await client.wait({ ...handle, traceparent: '00-zz' } as never, fastPoll);
    const t = await otel.snapshot();
    expect(t.one('pictor.wait glm-image').links).toEqual([]);
  });
});

describe('a cancelled wait', () => {
  it('ends the wait span in error with error.type aborted, keeping the reads made so far', async () => {
    const otel = otelHarness();
    const mock = otel.telemetry.instrument(createMock({ durationMs: 60_000 }));
    const handle = await mock.submit({ prompt: 'x', model: 'glm-image' });
    const controller = new AbortController();
    // Abort once the first status read has answered "still running": no guessed delay.
    const onEvent = (event: { type: string }) => event.type === 'status' && controller.abort();
    const error = await mock.wait(handle, { ...fastPoll, signal: controller.signal, onEvent }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PictorError);
    expect((error as PictorError).kind).toBe('aborted');
    const t = await otel.snapshot();

    const wait = t.one('pictor.wait glm-image');
    expect(wait.status.code).toBe(SpanStatusCode.ERROR);
    expect(wait.attributes).toMatchObject({ 'error.type': 'aborted', 'pictor.task_id': handle.taskId, 'pictor.status_requests': 1 });
    expect(t.childrenOf(wait).map((s) => [s.name, s.attributes['pictor.task.state']])).toEqual([['pictor.status', 'running']]);
  });
});

describe('context and listeners', () => {
  it("parents the call's span on the caller's active span", async () => {
    const otel = otelHarness();
    const mock = otel.telemetry.instrument(createMock({ durationMs: 5 }));
    const outer = otel.tracerProvider.getTracer('app').startSpan('handle request');
    await context.with(trace.setSpan(context.active(), outer), () => mock.generate({ prompt: 'x', model: 'glm-image' }, fastPoll));
    outer.end();
    const t = await otel.snapshot();
    expect(t.one('generate_content glm-image').parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
  });

  it("still delivers the caller's events, and keeps its spans when the caller's listener throws", async () => {
    const otel = otelHarness();
    const mock = otel.telemetry.instrument(createMock({ durationMs: 5 }));
    const { events, listener } = collectEvents();
    await mock.generate({ prompt: 'x', model: 'glm-image' }, { ...fastPoll, onEvent: listener });
    expect(events.map((e) => e.type)).toContain('completed');
    await mock.generate({ prompt: 'y', model: 'glm-image' }, { ...fastPoll, onEvent: () => { throw new Error('listener bug'); } });
    const t = await otel.snapshot();
    expect(t.named('generate_content glm-image')).toHaveLength(2);
    expect(t.named('pictor.submit')).toHaveLength(2);
  });

  it('leaves the provider otherwise intact (models, a mock call log, a client breakers)', () => {
    const otel = otelHarness();
    const mock = createMock();
    const wrapped = otel.telemetry.instrument(mock);
    expect(wrapped.models).toBe(mock.models);
    expect(wrapped.calls).toBe(mock.calls);
    const client = otel.telemetry.instrument(createImageClient(failoverConfig));
    expect(Object.keys(client.breakers())).toEqual(['mock:glm-image', 'mock:cogview-4-250304']);
  });

  it('traces a failing submit and a status read', async () => {
    const otel = otelHarness();
    const mock = otel.telemetry.instrument(createMock({ durationMs: 5, faults: [{ on: 'submit', error: 'content_filtered' }] }));
    await expect(mock.submit({ prompt: 'x', model: 'glm-image' })).rejects.toMatchObject({ kind: 'content_filtered' });
    const handle = await mock.submit({ prompt: 'y', model: 'glm-image' });
    await mock.status(handle);
    const t = await otel.snapshot();
    const [submit] = t.named('pictor.submit glm-image');
    expect(submit?.status.code).toBe(SpanStatusCode.ERROR);
    expect(submit?.attributes['error.type']).toBe('content_filtered');
    const status = t.one('pictor.status glm-image');
    expect(status.attributes).toMatchObject({ 'pictor.operation': 'status', 'gen_ai.provider.name': 'mock' });
    expect(status.attributes['gen_ai.operation.name']).toBeUndefined();
    expect(status.links).toHaveLength(1);
  });
});

describe('download', () => {
  it('is a child of the call that returned the image, with size and type but not the URL', async () => {
    const otel = otelHarness();
    const mock = otel.telemetry.instrument(createMock({ durationMs: 5 }));
    const result = await mock.generate({ prompt: 'x', model: 'glm-image' }, fastPoll);
    const image = await otel.telemetry.download(result.images[0]!);
    const t = await otel.snapshot();
    const span = t.one('pictor.download');
    expect(span.parentSpanContext?.spanId).toBe(t.one('generate_content glm-image').spanContext().spanId);
    expect(span.attributes).toEqual({ 'pictor.download.bytes': image.bytes.byteLength, 'pictor.download.media_type': 'image/png' });
  });

  it('records the image host only, never the path or query of an http URL', async () => {
    const emulator = await startEmulator({ imageSize: { width: 8, height: 8 } });
    try {
      const otel = otelHarness();
      const zai = otel.telemetry.instrument(createZai({ apiKey: 'otelFakeKey0123456789', baseURL: emulator.zaiBaseURL }));
      const result = await zai.generate({ prompt: 'x', model: 'cogview-4-250304' });
      await otel.telemetry.download(result.images[0]!);
      const t = await otel.snapshot();
      expect(t.one('pictor.download').attributes).toMatchObject({ 'server.address': '127.0.0.1', 'pictor.download.media_type': 'image/png' });
      const path = new URL(result.images[0]!.url).pathname;
      expect(t.everyString().some((text) => text.includes(path))).toBe(false);
    } finally {
      await emulator.close();
    }
  });

  it('records a refused download in error by kind', async () => {
    const otel = otelHarness();
    await expect(otel.telemetry.download('file:///etc/passwd')).rejects.toMatchObject({ kind: 'invalid_request' });
    const t = await otel.snapshot();
    const span = t.one('pictor.download');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('invalid_request');
  });
});

function toMs([seconds, nanos]: [number, number]): number {
  return seconds * 1000 + nanos / 1e6;
}

describe('concurrent calls', () => {
  it('keeps each call in its own tree', async () => {
    const otel = otelHarness();
    const mock = otel.telemetry.instrument(createMock({ durationMs: 5 }));
    const results = await Promise.all(['one', 'two', 'three'].map((prompt) => mock.generate({ prompt, model: 'glm-image' }, fastPoll)));
    const t = await otel.snapshot();
    const roots = t.named('generate_content glm-image');
    expect(roots).toHaveLength(3);
    for (const root of roots) {
      const taskId = root.attributes['pictor.task_id'];
      const children = t.childrenOf(root);
      expect(children.filter((c) => c.name === 'pictor.submit').map((c) => c.attributes['pictor.task_id'])).toEqual([taskId]);
      const reads = children.filter((c) => c.name === 'pictor.status');
      expect(reads.length).toBe(root.attributes['pictor.status_requests']);
      expect(reads.every((r) => r.attributes['pictor.task_id'] === taskId)).toBe(true);
    }
    expect(new Set(roots.map((r) => r.attributes['pictor.task_id']))).toEqual(new Set(results.map((r) => r.taskId)));
  });
});
