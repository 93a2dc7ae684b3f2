import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PictorError, collectEvents, type TaskHandle } from '@pictor/core';
import { bundledFixture, replay, resetReplay, type Replay } from '@pictor/testing';
import { NOVITA_MODELS, confirmNovitaWebhook, createNovita, mapNovitaReason, parseNovitaWebhook, readNovitaError, type NovitaOptions } from '../src/index.ts';
import { pictorFailure } from '@pictor/testing/vitest';

const KEY = 'novita-test-key-0123456789abcdef';
const TASK = '830d9c90-7e9b-4a3c-b2a1-5f0e3d6c1a42';
const play = (name: string): Replay => replay(bundledFixture(`novita/${name}`));
const fast = { poll: { firstDelayMs: 0, intervalMs: 1, minIntervalMs: 1, maxIntervalMs: 1, maxEtaWaitMs: 1 }, retry: { submit: { minDelayMs: 1, maxDelayMs: 1 }, status: { minDelayMs: 1, maxDelayMs: 1 } } };
const novita = (options: NovitaOptions = {}) => createNovita({ apiKey: KEY, ...options });
const request = { model: 'glm-image', prompt: 'A cute little kitten sitting on a sunny windowsill' } as const;
const webhookEvent = JSON.parse(readFileSync(new URL('./fixtures/webhook-event.json', import.meta.url), 'utf8')) as { payload: { task: Record<string, unknown> } };

/** A PictorError whose JSON (and stack) never carries the key. */
async function failure(promise: Promise<unknown>): Promise<PictorError> {
  const error = await pictorFailure(promise);
  expect(JSON.stringify(error.toJSON())).not.toContain(KEY);
  return error;
}

afterEach(() => {
  resetReplay();
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describe('createNovita', () => {
  it('declares glm-image as async-only with the GLM size rule', () => {
    expect(NOVITA_MODELS['glm-image']).toMatchObject({ modes: ['async'], qualities: ['hd'], sizes: { min: 1024, max: 2048, multipleOf: 32, maxPixels: 4194304 } });
  });

  it('reads NOVITA_API_KEY; a missing key is an authentication error at call time', async () => {
    vi.stubEnv('NOVITA_API_KEY', '');
    expect(await failure(createNovita().generate(request))).toMatchObject({ kind: 'authentication', message: expect.stringContaining('NOVITA_API_KEY') });
    vi.stubEnv('NOVITA_API_KEY', KEY);
    const scope = play('async-success-ttl-string');
    await createNovita().generate(request, fast);
    scope.done();
  });

  it('refuses invalid input before any request', async () => {
    const scope = replay({ scenario: 'none', source: 'documented', sourceDetail: 'no traffic expected', interactions: [] });
    for (const bad of [{ ...request, size: '2048x2080' }, { ...request, mode: 'sync' }, { ...request, quality: 'standard' }, { ...request, providerOptions: { novita: { webhookUrl: 'ftp://x' } } }]) {
      expect((await failure(novita().generate(bad as never))).kind).toBe('invalid_request');
    }
    expect(scope.requests).toEqual([]);
    expect(() => createNovita({ apiKey: KEY, webhookUrl: 'not a url' })).toThrow(/webhookUrl must be an http\(s\) URL/);
    expect(() => createNovita({ apiKey: '' })).toThrow(/apiKey must not be empty/);
    expect(() => createNovita({ region: 'x' } as never)).toThrow(/region/);
  });

  it('warns that userId and seed are not sent', async () => {
    play('async-success-ttl-string');
    const result = await novita().generate({ ...request, userId: 'user-123', seed: 3 }, fast);
    expect(result.warnings.map((w) => w.feature)).toEqual(['seed', 'userId']);
  });
});

describe('lifecycle', () => {
  it('QUEUED → PROCESSING (eta, progress) → SUCCEED, with media type and ttl expiry', async () => {
    const scope = play('async-success');
    const { events, listener } = collectEvents();
    const before = Date.now();
    const result = await novita().generate(request, { ...fast, onEvent: listener });
    scope.done();
    expect(result).toMatchObject({ provider: 'novita', taskId: TASK, images: [{ mediaType: 'image/jpeg', width: 1280, height: 1280 }], timings: { statusRequests: 3 } });
    const expires = Date.parse(result.images[0]!.expiresAt!);
    expect(expires - before).toBeGreaterThanOrEqual(3600_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(3600_000);
    const statuses = events.filter((e) => e.type === 'status');
    expect(statuses.map((e) => [e.state, e.etaMs, e.progress])).toEqual([
      ['queued', 15_000, undefined],
      ['running', 12_000, 40],
      ['succeeded', undefined, undefined],
    ]);
  });

  it('accepts image_url_ttl as a string', async () => {
    play('async-success-ttl-string');
    const before = Date.now();
    const result = await novita().generate(request, fast);
    expect(result.images[0]!.mediaType).toBe('image/png');
    expect(Date.parse(result.images[0]!.expiresAt!) - before).toBeGreaterThanOrEqual(3600_000);
  });

  it('polls when the eta says the task is done: few status reads (fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const scope = play('async-success');
    const pending = novita().generate(request, { poll: { firstDelayMs: 1000, jitter: 0 } });
    await vi.advanceTimersByTimeAsync(1100); // first read: QUEUED, eta 15 s
    expect(scope.requests.filter((r) => r.startsWith('GET'))).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(14_000); // still inside the eta: no read
    expect(scope.requests.filter((r) => r.startsWith('GET'))).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2000); // second read: PROCESSING, eta 12 s
    expect(scope.requests.filter((r) => r.startsWith('GET'))).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(14_000);
    const result = await pending;
    expect(result.timings.statusRequests).toBe(3);
    scope.done();
  });

  it('FAILED becomes task_failed with the reason and the handle', async () => {
    play('async-failed');
    const error = await failure(novita().generate(request, fast));
    expect(error).toMatchObject({ kind: 'task_failed', handle: { taskId: TASK } });
    expect(error.message).toContain('internal error');
  });

  it('an unknown status is a typed error, not a hang', async () => {
    play('async-unknown-status');
    const error = await failure(novita().generate(request, fast));
    expect(error.kind).toBe('invalid_response');
    expect(error.message).toContain('TASK_STATUS_UNKNOWN');
  });

  it('SUCCEED with no images is a failure', async () => {
    play('async-succeed-no-images');
    expect((await failure(novita().generate(request, fast))).kind).toBe('invalid_response');
  });

  it('sends the webhook URL and watermark choice', async () => {
    const scope = play('submit-with-webhook');
    await novita({ webhookUrl: 'https://app.example.com/hooks/novita' }).generate({ ...request, watermark: false }, fast);
    scope.done();
    resetReplay();
    const perCall = play('submit-with-webhook');
    await novita().generate({ ...request, watermark: false, providerOptions: { novita: { webhookUrl: 'https://app.example.com/hooks/novita' } } }, fast);
    perCall.done();
  });

  it('resumes a saved handle without submitting again; aborts and deadlines keep the handle', async () => {
    const scope = play('async-success');
    const handle = JSON.parse(JSON.stringify(await novita().submit(request))) as TaskHandle;
    await novita().wait(handle, fast);
    scope.done();
    expect(scope.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);

    resetReplay();
    play('async-success');
    const controller = new AbortController();
    const onEvent = (event: { type: string }) => void (event.type === 'submitted' && setTimeout(() => controller.abort(), 5));
    const pending = novita().generate(request, { onEvent, signal: controller.signal, poll: { firstDelayMs: 60_000 } });
    expect(await failure(pending)).toMatchObject({ kind: 'aborted', handle: { taskId: TASK } });

    resetReplay();
    play('async-success');
    expect(await failure(novita().generate(request, { poll: { firstDelayMs: 0, intervalMs: 5000, timeoutMs: 20 } }))).toMatchObject({ kind: 'timeout', handle: { taskId: TASK } });
  });
});

describe('errors', () => {
  const cases: [string, Partial<PictorError>][] = [
    ['error-invalid-request-body', { kind: 'invalid_request', providerCode: 'INVALID_REQUEST_BODY' }],
    ['error-invalid-image-size', { kind: 'invalid_request', providerCode: 'INVALID_IMAGE_SIZE' }],
    ['error-illegal-prompt', { kind: 'content_filtered', providerCode: 'ILLEGAL_PROMPT' }],
    ['error-balance', { kind: 'insufficient_quota', status: 400 }],
    ['error-missing-key-401', { kind: 'authentication', status: 401 }],
    ['error-invalid-key-403', { kind: 'authentication', status: 403 }],
    ['error-invalid-key-400', { kind: 'authentication', status: 400 }],
    ['error-feature-not-allowed', { kind: 'permission' }],
    ['error-504-ambiguous', { kind: 'provider_unavailable', status: 504, submitOutcome: 'unknown' }],
  ];
  it.each(cases)('%s maps by reason and is submitted once', async (name, expected) => {
    const scope = play(name);
    expect(await failure(novita().generate(request, fast))).toMatchObject(expected);
    expect(scope.requests).toHaveLength(1);
  });

  it.each(['error-rate-limit', 'error-create-task-failed', 'error-503-unavailable'])('%s is retried (no task was created), then succeeds', async (name) => {
    const scope = play(name);
    const result = await novita().generate(request, fast);
    scope.done();
    expect(result.timings.attempts).toBe(2);
  });

  it('maps TASK_NOT_FOUND on a status read', async () => {
    play('error-task-not-found');
    const handle: TaskHandle = { version: 1, provider: 'novita', model: 'glm-image', taskId: TASK, mode: 'async', submittedAt: new Date().toISOString(), size: { width: 1280, height: 1280 }, quality: 'hd', n: 1 };
    expect(await failure(novita().status(handle))).toMatchObject({ kind: 'not_found', providerCode: 'TASK_NOT_FOUND' });
  });

  it('reads and maps reasons', () => {
    expect(readNovitaError({ code: 400, reason: 'ILLEGAL_PROMPT', message: 'm' })).toEqual({ reason: 'ILLEGAL_PROMPT', message: 'm' });
    expect(readNovitaError('oops')).toEqual({ reason: undefined, message: 'oops' });
    expect(mapNovitaReason('billing_balance_not_enough')?.kind).toBe('insufficient_quota');
    expect(mapNovitaReason('BILLING_FAILED')).toMatchObject({ submitOutcome: 'unknown' });
    expect(mapNovitaReason('SOMETHING_NEW')).toBeUndefined();
  });
});

describe('webhooks', () => {
  it('parses an ASYNC_TASK_RESULT event into a status', () => {
    const event = parseNovitaWebhook(JSON.stringify(webhookEvent));
    expect(event).toMatchObject({ taskId: TASK, status: { state: 'succeeded' } });
    expect(event.imageUrls[0]).toContain('0.jpeg');
    const failed = parseNovitaWebhook({ event_type: 'ASYNC_TASK_RESULT', payload: { task: { task_id: TASK, status: 'TASK_STATUS_FAILED', reason: 'NSFW content' } } });
    expect(failed.status).toMatchObject({ state: 'failed', error: { kind: 'content_filtered' } });
  });

  it.each([
    ['not json', '{'],
    ['no event', {}],
    ['another event', { event_type: 'OTHER', payload: {} }],
    ['no status', { event_type: 'ASYNC_TASK_RESULT', payload: { task: {} } }],
    ['no task id', { event_type: 'ASYNC_TASK_RESULT', payload: { task: { status: 'TASK_STATUS_QUEUED' } } }],
  ])('refuses a body with %s', (_name, body) => {
    expect(() => parseNovitaWebhook(body)).toThrow(PictorError);
  });

  it('confirms an event with one authenticated task-result read', async () => {
    const scope = play('async-success-ttl-string');
    const provider = novita();
    const handle = await provider.submit(request);
    const status = await confirmNovitaWebhook(provider, handle, webhookEvent);
    scope.done();
    expect(status).toMatchObject({ state: 'succeeded', result: { taskId: TASK } });
    await expect(confirmNovitaWebhook(provider, { ...handle, taskId: 'other' }, webhookEvent)).rejects.toThrow(/not other/);
  });
});
