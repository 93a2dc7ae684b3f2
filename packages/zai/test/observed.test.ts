/**
 * Replays the "observed" Z.AI fixtures: response shapes quoted in public code and issues (each file's
 * sourceUrl says where), with our own values. Each asserts the PictorResult or PictorError the adapter
 * must produce, and how many requests it may send for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ImageRequest } from '@pictor/core';
import { resetReplay } from '@pictor/testing';
import { replayGenerate } from '@pictor/testing/vitest';
import { createZai } from '../src/index.ts';

const KEY = 'zai-observed-key.0123456789abcdefXYZ';
const PROMPT = 'A lighthouse on a cliff at dawn';
const sync: ImageRequest = { model: 'glm-image', prompt: PROMPT, mode: 'sync' };
const async: ImageRequest = { model: 'glm-image', prompt: PROMPT };
const fast = { poll: { firstDelayMs: 0, intervalMs: 1, minIntervalMs: 1 }, retry: { submit: { minDelayMs: 1, maxDelayMs: 1 }, status: { minDelayMs: 1, maxDelayMs: 1 } } };

afterEach(() => resetReplay());

const run = (name: string, request: ImageRequest, region: 'international' | 'mainland' = 'international') =>
  replayGenerate(`zai/${name}`, createZai({ apiKey: KEY, region }), request, fast, KEY);

describe('observed Z.AI error bodies', () => {
  it('1113 on HTTP 429 is an empty balance, not a rate limit: not retried', async () => {
    const { error, requests } = await run('observed-1113-on-429-nested', sync);
    expect(error).toMatchObject({ kind: 'insufficient_quota', status: 429, providerCode: '1113', retryable: false, submitOutcome: 'not_created' });
    expect(error!.message).toContain('top up the Z.AI account');
    expect(requests).toHaveLength(1);
  });

  it('1113 in the Anthropic envelope: the business code beats error.type, the request id comes from the body', async () => {
    const { error, requests } = await run('observed-1113-anthropic-envelope', sync);
    expect(error).toMatchObject({ kind: 'insufficient_quota', status: 429, providerCode: '1113', retryable: false, requestId: '20261123165500pictorfixture01' });
    expect(requests).toHaveLength(1);
  });

  it('1113 from the mainland endpoint maps the same way', async () => {
    const { error, requests } = await run('observed-1113-mainland', sync, 'mainland');
    expect(error).toMatchObject({ kind: 'insufficient_quota', providerCode: '1113', retryable: false });
    expect(requests).toEqual(['POST /api/paas/v4/images/generations']);
  });

  it('1301 on an async submit is content_filtered, refused before any task: not retried', async () => {
    const { error, requests } = await run('observed-1301-on-400', async);
    expect(error).toMatchObject({ kind: 'content_filtered', status: 400, providerCode: '1301', submitOutcome: 'not_created', handle: undefined });
    expect(requests).toHaveLength(1);
  });

  it('1214 with a Chinese message is invalid_request and keeps the message', async () => {
    const { error, requests } = await run('observed-1214-chinese-message', { model: 'cogview-4-250304', prompt: PROMPT, size: '1024x1024' });
    expect(error).toMatchObject({ kind: 'invalid_request', status: 400, providerCode: '1214' });
    expect(error!.message).toContain('size 参数非法');
    expect(requests).toHaveLength(1);
  });

  it('1234 on HTTP 500 for a sync call: transient by code, but the 500 leaves the outcome unknown, so it is sent once', async () => {
    const { error, requests } = await run('observed-1234-on-500-submit', sync);
    expect(error).toMatchObject({ kind: 'provider_unavailable', status: 500, providerCode: '1234', submitOutcome: 'unknown' });
    expect(error!.message).toContain('The outcome is unknown');
    expect(requests).toHaveLength(1);
  });

  it('1234 on HTTP 500 for a status read is retried (reads are free), without a second submit', async () => {
    const { result, requests, scope } = await run('observed-1234-on-500-status', async);
    scope.done();
    expect(result).toMatchObject({ taskId: '8353992347972781234', images: [{ url: 'https://images.example.test/pictor/observed-0.png' }], timings: { attempts: 1 } });
    expect(requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
  });

  it('an HTTP 200 carrying a business error and no image is a failure, never a result', async () => {
    const { result, error, requests } = await run('observed-200-business-401', sync);
    expect(result).toBeUndefined();
    expect(error).toMatchObject({ kind: 'invalid_response' });
    expect(error!.message).toContain('no images');
    expect(requests).toHaveLength(1);
  });
});

describe('observed Z.AI shapes and ids', () => {
  it('a submit in the old {code, data:{task_id}} envelope has no id: invalid_response, outcome unknown, not resent', async () => {
    const { error, requests } = await run('observed-v3-envelope-submit', async);
    expect(error).toMatchObject({ kind: 'invalid_response', submitOutcome: 'unknown', retryable: false });
    expect(error!.message).toContain('unexpected body (id:');
    expect(requests).toEqual(['POST /api/paas/v4/async/images/generations']);
  });

  it('keeps a 38-digit string task id exact through poll and result', async () => {
    const { result, scope } = await run('observed-38-digit-task-id', async);
    scope.done();
    expect(result!.taskId).toBe('75753966931688458417874899228100000003');
  });

  it('keeps a 25-digit task id exact when it arrives as a bare JSON number', async () => {
    const { result, scope } = await run('observed-25-digit-numeric-id', async);
    scope.done();
    expect(result!.taskId).toBe('2026112316550012345678901');
  });

  it('SUCCESS with video_result and no image_result is invalid_response with the handle to resume', async () => {
    const { error, requests } = await run('observed-success-video-result', async);
    expect(error).toMatchObject({ kind: 'invalid_response', handle: { taskId: '8353992347972785678' } });
    expect(error!.message).toContain('success with no images');
    expect(requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
  });
});
