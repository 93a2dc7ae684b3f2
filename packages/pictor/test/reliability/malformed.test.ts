/**
 * Malformed provider responses: every field of every wire body missing, of the
 * wrong type, or joined by an extra field must end in a result or a typed
 * PictorError, never a TypeError or a hang.
 */
import { describe, expect, it } from 'vitest';
import { PictorError, createNovita, createZai, type ImageProvider } from '../../src/index.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const WRONG: Json[] = [null, 1, 'x', true, [], {}];
const KEY = 'malformed-test-key-0123456789';
const fast = { poll: { firstDelayMs: 0, intervalMs: 1, minIntervalMs: 1, maxEtaWaitMs: 1, timeoutMs: 2000 }, retry: { submit: { retries: 0 }, status: { retries: 0 } } };

/** Every variant of a body: each path deleted, set to each wrong type, plus an extra field. */
function* mutations(body: Json, path: (string | number)[] = []): Generator<{ label: string; body: Json }> {
  if (path.length === 0) {
    for (const wrong of WRONG) yield { label: `(root) = ${JSON.stringify(wrong)}`, body: wrong };
    if (body && typeof body === 'object' && !Array.isArray(body)) yield { label: '+extra', body: { ...body, unexpected_field: { nested: [1, 'two'] } } };
  }
  if (!body || typeof body !== 'object') return;
  const entries: [string | number, Json][] = Array.isArray(body) ? body.map((v, i) => [i, v]) : Object.entries(body);
  for (const [key, value] of entries) {
    const at = [...path, key];
    yield { label: `delete ${at.join('.')}`, body: without(body, key) };
    for (const wrong of WRONG) yield { label: `${at.join('.')} = ${JSON.stringify(wrong)}`, body: replace(body, key, wrong) };
    for (const inner of mutations(value, at)) {
      if (inner.label.startsWith('(root)') || inner.label === '+extra') continue;
      yield { label: inner.label, body: replace(body, key, inner.body) };
    }
  }
}

function without(body: Json, key: string | number): Json {
  if (Array.isArray(body)) return body.filter((_, i) => i !== key);
  const copy = { ...(body as Record<string, Json>) };
  delete copy[key as string];
  return copy;
}

function replace(body: Json, key: string | number, value: Json): Json {
  if (Array.isArray(body)) return body.map((v, i) => (i === key ? value : v));
  return { ...(body as Record<string, Json>), [key]: value };
}

/** A fetch that answers by endpoint from a table (no network at all). */
function fakeFetch(routes: Record<string, Json>): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = input instanceof Request ? input.url : String(input);
    const route = Object.keys(routes).find((r) => url.includes(r));
    if (!route) return new Response('{}', { status: 404 });
    return new Response(JSON.stringify(routes[route]), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

async function outcome(provider: ImageProvider, request: Parameters<ImageProvider['generate']>[0]): Promise<string> {
  try {
    const result = await provider.generate(request, fast);
    expect(result.images.length).toBeGreaterThan(0);
    return 'result';
  } catch (error) {
    if (!(error instanceof PictorError)) throw error;
    expect(error.message).not.toContain(KEY);
    return error.kind;
  }
}

const ZAI_SYNC: Json = { created: 1760335349, data: [{ url: 'https://img.test/a.png' }], content_filter: [{ role: 'assistant', level: 3 }] };
const ZAI_SUBMIT: Json = { model: 'glm-image', id: '8353992347972780031', request_id: 'r', task_status: 'PROCESSING' };
const ZAI_RESULT: Json = { model: 'glm-image', task_status: 'SUCCESS', image_result: [{ url: 'https://img.test/a.png' }], request_id: 'r' };
const NOVITA_SUBMIT: Json = { task_id: 't-1' };
const NOVITA_RESULT: Json = {
  extra: { seed: '1' },
  task: { task_id: 't-1', status: 'TASK_STATUS_SUCCEED', reason: '', eta: 0, progress_percent: 100 },
  images: [{ image_url: 'https://img.test/a.jpeg', image_url_ttl: 3600, image_type: 'jpeg' }],
};

const ALLOWED = new Set(['result', 'invalid_response', 'not_found', 'timeout', 'task_failed']);

describe('malformed provider responses end in a result or a typed error', () => {
  const cases: [string, Json, (body: Json) => [ImageProvider, Parameters<ImageProvider['generate']>[0]]][] = [
    ['zai sync', ZAI_SYNC, (body) => [createZai({ apiKey: KEY, fetch: fakeFetch({ 'images/generations': body }) }), { model: 'glm-image', prompt: 'p', mode: 'sync' }]],
    ['zai async submit', ZAI_SUBMIT, (body) => [createZai({ apiKey: KEY, fetch: fakeFetch({ 'async/images/generations': body, 'async-result': ZAI_RESULT }) }), { model: 'glm-image', prompt: 'p' }]],
    ['zai async-result', ZAI_RESULT, (body) => [createZai({ apiKey: KEY, fetch: fakeFetch({ 'async/images/generations': ZAI_SUBMIT, 'async-result': body }) }), { model: 'glm-image', prompt: 'p' }]],
    ['novita submit', NOVITA_SUBMIT, (body) => [createNovita({ apiKey: KEY, fetch: fakeFetch({ 'glm-image': body, 'task-result': NOVITA_RESULT }) }), { model: 'glm-image', prompt: 'p' }]],
    ['novita task-result', NOVITA_RESULT, (body) => [createNovita({ apiKey: KEY, fetch: fakeFetch({ 'glm-image': NOVITA_SUBMIT, 'task-result': body }) }), { model: 'glm-image', prompt: 'p' }]],
  ];

  it.each(cases)('%s: every field missing, mistyped or extra', async (_name, base, build) => {
    const seen = new Map<string, number>();
    let count = 0;
    for (const { label, body } of mutations(base)) {
      const [provider, request] = build(body);
      const kind = await outcome(provider, request).catch((error: unknown) => {
        throw new Error(`${label}: threw ${String(error)}`);
      });
      expect(ALLOWED.has(kind), `${label} → ${kind}`).toBe(true);
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      count++;
    }
    expect(count).toBeGreaterThan(10);
    // The untouched body works, so the mutations are what fail.
    const [provider, request] = build(base);
    expect(await outcome(provider, request)).toBe('result');
    expect(seen.get('invalid_response')).toBeGreaterThan(0);
  });
});
