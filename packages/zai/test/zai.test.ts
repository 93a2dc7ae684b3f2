import { afterEach, describe, expect, it, vi } from 'vitest';
import { PictorError, collectEvents, type ImageResult, type PictorEvent, type TaskHandle } from '@pictor/core';
import { bundledFixture, replay, resetReplay, type Replay } from '@pictor/testing';
import { ZAI_BASE_URLS, ZAI_MODELS, createZai, mapZaiCode, readZaiError, type ZaiOptions } from '../src/index.ts';
import { pictorFailure } from '@pictor/testing/vitest';

const KEY = 'zai-test-key.0123456789abcdefXYZ';
const fixture = (name: string) => bundledFixture(`zai/${name}`);
const play = (name: string, scope?: string): Replay => replay(fixture(name), { scope });
const fast = { poll: { firstDelayMs: 0, intervalMs: 1, minIntervalMs: 1 }, retry: { submit: { minDelayMs: 1, maxDelayMs: 1 }, status: { minDelayMs: 1, maxDelayMs: 1 } } };
const zai = (options: ZaiOptions = {}) => createZai({ apiKey: KEY, ...options });
const glm = { model: 'glm-image', prompt: 'A cute little kitten sitting on a sunny windowsill' } as const;

/** A PictorError whose JSON (and stack) never carries the key. */
async function failure(promise: Promise<unknown>): Promise<PictorError> {
  const error = await pictorFailure(promise);
  expect(JSON.stringify(error.toJSON())).not.toContain(KEY);
  expect(error.stack ?? '').not.toContain(KEY);
  return error;
}

afterEach(() => {
  resetReplay();
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('createZai: configuration', () => {
  it('uses the international base URL by default and the mainland one on request', async () => {
    expect(ZAI_BASE_URLS).toEqual({ international: 'https://api.z.ai/api/paas/v4', mainland: 'https://open.bigmodel.cn/api/paas/v4' });
    const intl = play('sync-glm-image');
    await zai().generate({ ...glm, mode: 'sync' });
    intl.done();
    const mainland = play('sync-glm-image', 'https://open.bigmodel.cn');
    await zai({ region: 'mainland' }).generate({ ...glm, mode: 'sync' });
    mainland.done();
  });

  it('reads ZAI_API_KEY, and a missing key is an authentication error at call time', async () => {
    vi.stubEnv('ZAI_API_KEY', '');
    const provider = createZai();
    const error = await failure(provider.generate(glm));
    expect(error).toMatchObject({ kind: 'authentication', message: expect.stringContaining('ZAI_API_KEY') });
    vi.stubEnv('ZAI_API_KEY', KEY);
    const scope = play('sync-glm-image');
    await createZai().generate({ ...glm, mode: 'sync' });
    scope.done();
  });

  it('refuses bad options at creation, naming the field', () => {
    expect(() => createZai({ region: 'mars' as never })).toThrow(/region must be one of: international, mainland/);
    expect(() => createZai({ baseURL: 'ftp://x' })).toThrow(/baseURL must be an http\(s\) URL/);
    expect(() => createZai({ timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => createZai({ apikey: 'typo' } as never)).toThrow(/apikey/);
    expect(() => createZai({ fetch: 'no' as never })).toThrow(/fetch must be a function/);
    expect(() => createZai({ retry: { submit: { retries: -1 } } })).toThrow(/retry.submit.retries/);
    try {
      createZai({ region: 'mars' as never });
    } catch (error) {
      expect(error).toBeInstanceOf(PictorError);
      expect((error as PictorError).kind).toBe('invalid_request');
    }
  });

  it('declares its models as data', () => {
    expect(ZAI_MODELS['glm-image']).toMatchObject({ modes: ['sync', 'async'], defaultMode: 'async', qualities: ['hd'], pricePerImageUsd: 0.015 });
    expect(ZAI_MODELS['cogview-4-250304']).toMatchObject({ modes: ['sync'], defaultQuality: 'standard' });
  });
});

describe('validation before any request', () => {
  it.each([
    [{ ...glm, size: '1000x1000' }, 'Nearest valid sizes'],
    [{ ...glm, quality: 'standard' }, 'valid: hd'],
    [{ model: 'cogview-4-250304', prompt: 'x', mode: 'async' }, 'does not support async'],
    [{ model: 'cogview-4-250304', prompt: 'x', size: '2048x2048' }, 'maximum of 2097152'],
    [{ ...glm, providerOptions: { zai: { requestId: 'x' } } }, 'providerOptions.zai'],
  ])('refuses %j', async (request, message) => {
    const scope = replay({ scenario: 'none', source: 'documented', sourceDetail: 'no traffic expected', interactions: [] });
    const error = await failure(zai().generate(request as never));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain(message);
    expect(scope.requests).toEqual([]);
  });
});

describe('sync generation', () => {
  it('returns glm-image results with createdAt, 30-day expiry and content filter', async () => {
    const scope = play('sync-glm-image');
    const result = await zai().generate({ ...glm, mode: 'sync' });
    scope.done();
    expect(result).toMatchObject({
      provider: 'zai',
      model: 'glm-image',
      size: { width: 1280, height: 1280 },
      quality: 'hd',
      createdAt: new Date(1760335349 * 1000).toISOString(),
      contentFilter: [{ role: 'assistant', level: 3 }],
      requestId: '20260122-req-sync-1',
      cost: { images: 1, usd: 0.015 },
      images: [{ mediaType: 'image/png', width: 1280, height: 1280, expiresAt: new Date((1760335349 + 30 * 86400) * 1000).toISOString() }],
    });
  });

  it('generates with cogview-4 (numbers that arrive as strings are accepted)', async () => {
    const scope = play('sync-cogview-4');
    const result = await zai().generate({ model: 'cogview-4-250304', prompt: glm.prompt });
    scope.done();
    expect(result).toMatchObject({ model: 'cogview-4-250304', quality: 'standard', contentFilter: [{ role: 'user', level: 3 }], cost: { usd: undefined } });
  });

  it('treats data: [] as an invalid_response failure', async () => {
    play('sync-empty-data');
    expect((await failure(zai().generate({ ...glm, mode: 'sync' }))).kind).toBe('invalid_response');
  });
});

describe('async generation', () => {
  it('runs a whole lifecycle: submit, PROCESSING x2, SUCCESS', async () => {
    const scope = play('async-success');
    const { events, listener } = collectEvents();
    const result = await zai().generate(glm, { ...fast, onEvent: listener });
    scope.done();
    expect(result).toMatchObject({ taskId: '8353992347972780031', requestId: 'req-async-1', timings: { statusRequests: 3, attempts: 1 } });
    expect(events.map((e) => (e.type === 'status' ? `status:${e.state}` : e.type))).toEqual([
      'submitted',
      'status:running',
      'status:running',
      'status:succeeded',
      'completed',
    ]);
  });

  it('keeps a 19-digit id exact even when it arrives as a JSON number', async () => {
    const scope = play('async-numeric-id');
    const result = await zai().generate(glm, fast);
    scope.done();
    expect(result.taskId).toBe('8353992347972780031');
  });

  it('turns FAIL into task_failed carrying the reason and the handle', async () => {
    play('async-fail');
    const error = await failure(zai().generate(glm, fast));
    expect(error).toMatchObject({ kind: 'task_failed', handle: { taskId: '8353992347972780031' } });
    expect(error.message).toContain('internal model error');
  });

  it('raises a typed error for an unknown task_status instead of polling forever', async () => {
    play('async-unknown-status');
    const error = await failure(zai().generate(glm, fast));
    expect(error.kind).toBe('invalid_response');
    expect(error.message).toContain('CANCELLED');
  });

  it('raises invalid_response when a submit answers without an id (outcome unknown, not retried)', async () => {
    const scope = play('async-submit-missing-id');
    const error = await failure(zai().generate(glm, fast));
    expect(error).toMatchObject({ kind: 'invalid_response', submitOutcome: 'unknown' });
    expect(scope.requests).toHaveLength(1);
  });

  it('resumes a handle saved as JSON in a fresh provider without a second submit', async () => {
    const scope = play('async-success');
    const handle = await zai().submit(glm);
    const saved = JSON.stringify(handle);
    const result = await zai().wait(JSON.parse(saved) as TaskHandle, fast);
    scope.done();
    expect(scope.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
    expect(result.images).toHaveLength(1);
  });

  it('reads one status at a time', async () => {
    play('async-success');
    const provider = zai();
    const handle = await provider.submit(glm);
    await expect(provider.status(handle)).resolves.toEqual({ state: 'running', progress: undefined, etaMs: undefined });
  });

  it('retries a flaky status read without resubmitting', async () => {
    const scope = play('async-status-flaky');
    const { events, listener } = collectEvents();
    await zai().generate(glm, { ...fast, onEvent: listener });
    scope.done();
    expect(events.filter((e) => e.type === 'retry').map((e) => (e as Extract<PictorEvent, { type: 'retry' }>).stage)).toEqual(['status']);
  });

  it('maps an unknown task id to not_found', async () => {
    play('async-result-not-found');
    const handle: TaskHandle = { version: 1, provider: 'zai', model: 'glm-image', taskId: '8353992347972780031', mode: 'async', submittedAt: new Date().toISOString(), size: { width: 1280, height: 1280 }, quality: 'hd', n: 1 };
    expect(await failure(zai().status(handle))).toMatchObject({ kind: 'not_found', status: 404 });
  });

  it('aborts during polling with the handle, and stops at the deadline with it', async () => {
    play('async-success');
    const controller = new AbortController();
    const onEvent = (event: { type: string }) => void (event.type === 'submitted' && setTimeout(() => controller.abort(), 5));
    const pending = zai().generate(glm, { onEvent, signal: controller.signal, poll: { firstDelayMs: 60_000 } });
    expect(await failure(pending)).toMatchObject({ kind: 'aborted', handle: { taskId: '8353992347972780031' } });

    resetReplay();
    play('async-success');
    const late = await failure(zai().generate(glm, { poll: { firstDelayMs: 0, intervalMs: 1000, timeoutMs: 30 } }));
    expect(late).toMatchObject({ kind: 'timeout', handle: { taskId: '8353992347972780031' } });
    expect(late.message).toContain('resume it with wait(handle)');
  });
});

describe('errors', () => {
  const cases: [string, Partial<PictorError>, number][] = [
    ['error-1113-insufficient-balance', { kind: 'insufficient_quota', status: 429, providerCode: '1113', retryable: false }, 1],
    ['error-1301-content-filtered', { kind: 'content_filtered', providerCode: '1301' }, 1],
    ['error-1002-authentication', { kind: 'authentication', status: 401, providerCode: '1002' }, 1],
    ['error-1214-top-level-code', { kind: 'invalid_request', providerCode: '1214' }, 1],
    ['error-1211-model-missing', { kind: 'not_found', providerCode: '1211' }, 1],
    ['error-1220-permission', { kind: 'permission', status: 434, providerCode: '1220' }, 1],
    ['error-1304-daily-limit', { kind: 'rate_limited', providerCode: '1304', retryable: false }, 1],
    ['error-500-ambiguous', { kind: 'provider_unavailable', status: 500, submitOutcome: 'unknown' }, 1],
    ['error-reset-then-ok', { kind: 'network', submitOutcome: 'unknown' }, 1],
  ];
  it.each(cases)('%s maps by business code and is sent once', async (name, expected, requests) => {
    const scope = play(name);
    const error = await failure(zai().generate({ ...glm, mode: 'sync' }, fast));
    expect(error).toMatchObject(expected);
    expect(scope.requests).toHaveLength(requests);
  });

  it('says the outcome is unknown when a submit is not retried', async () => {
    play('error-500-ambiguous');
    const error = await failure(zai().generate({ ...glm, mode: 'sync' }, fast));
    expect(error.message).toContain('The outcome is unknown');
  });

  it.each(['error-1305-overloaded', 'error-503-unavailable'])('%s is retried, then succeeds', async (name) => {
    const scope = play(name);
    const result = await zai().generate({ ...glm, mode: 'sync' }, fast);
    scope.done();
    expect(result.timings.attempts).toBe(2);
  });

  it('waits out Retry-After on a 1302 refusal before sending again (fake clock)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const scope = play('error-1302-concurrency');
    const pending = zai().generate({ ...glm, mode: 'sync' }, fast);
    await vi.advanceTimersByTimeAsync(900); // Retry-After is 1 s: the backoff alone (1 ms) must not send again
    expect(scope.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(scope.requests).toHaveLength(2);
    await expect(pending).resolves.toMatchObject({ timings: { attempts: 2 } });
  });

  it('reuses one request_id across the retries of a call, and uses a fresh one per call', async () => {
    const sent: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const body = (await request.clone().json()) as { request_id: string };
      sent.push(body.request_id);
      return fetch(request);
    };
    const provider = zai({ fetch: recording });
    const first = play('error-1305-overloaded');
    await provider.generate({ ...glm, mode: 'sync' }, fast);
    first.done();
    resetReplay();
    const second = play('sync-glm-image');
    await provider.generate({ ...glm, mode: 'sync' }, fast);
    second.done();
    expect(sent).toHaveLength(3);
    expect(sent[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1]).toBe(sent[0]); // the retry of the same call: Z.AI can refuse it as a duplicate (1231)
    expect(sent[2]).not.toBe(sent[0]); // a new call is a new request
  });

  it('honours Retry-After on a 1302 concurrency refusal', async () => {
    const scope = play('error-1302-concurrency');
    const { events, listener } = collectEvents();
    const result: ImageResult = await zai().generate({ ...glm, mode: 'sync' }, { ...fast, onEvent: listener });
    scope.done();
    const retry = events.find((e) => e.type === 'retry') as Extract<PictorEvent, { type: 'retry' }>;
    expect(retry.error).toMatchObject({ kind: 'rate_limited', providerCode: '1302', retryAfterMs: 1000 });
    expect(retry.delayMs).toBeGreaterThanOrEqual(1000);
    expect(result.timings.attempts).toBe(2);
  });

  it('lets the submit policy be configured (retry even ambiguous failures)', async () => {
    const scope = play('error-500-ambiguous');
    const result = await createZai({ apiKey: KEY, retry: { submit: { minDelayMs: 1, shouldRetry: () => true } } }).generate({ ...glm, mode: 'sync' });
    scope.done();
    expect(result.timings.attempts).toBe(2);
  });
});

describe('error body parsing', () => {
  it('reads every documented shape', () => {
    expect(readZaiError({ error: { code: '1214', message: 'm' } })).toEqual({ code: '1214', message: 'm' });
    expect(readZaiError({ error: { code: 1214, message: 'm' } })).toEqual({ code: '1214', message: 'm' });
    expect(readZaiError({ code: 1214, message: 'm' })).toEqual({ code: '1214', message: 'm' });
    expect(readZaiError({ code: 1214, msg: 'm' })).toEqual({ code: '1214', message: 'm' });
    expect(readZaiError({ error: 'text', code: '1220' })).toEqual({ code: '1220', message: 'text' });
    expect(readZaiError('plain')).toEqual({ code: undefined, message: 'plain' });
    expect(readZaiError(undefined)).toEqual({ code: undefined, message: undefined });
  });

  it('maps each code family', () => {
    expect(mapZaiCode('1001')?.kind).toBe('authentication');
    expect(mapZaiCode('1112')?.kind).toBe('permission');
    expect(mapZaiCode('1113')?.kind).toBe('insufficient_quota');
    expect(mapZaiCode('1210')?.kind).toBe('invalid_request');
    expect(mapZaiCode('1261')?.kind).toBe('invalid_request');
    expect(mapZaiCode('1231')?.message).toContain('duplicate request_id');
    expect(mapZaiCode('1234')?.kind).toBe('provider_unavailable');
    for (const code of ['1302', '1303', '1305', '1312', '1313']) expect(mapZaiCode(code)).toMatchObject({ kind: 'rate_limited', retryable: true, submitOutcome: 'not_created' });
    expect(mapZaiCode('1308')).toMatchObject({ kind: 'rate_limited', retryable: false });
    expect(mapZaiCode('abc')).toBeUndefined();
    expect(mapZaiCode('9999')).toBeUndefined();
  });
});
