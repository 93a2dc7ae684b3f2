/**
 * Replays the "observed" Novita fixtures: response shapes quoted in public code (each file's
 * sourceUrl says where), with our own values. Each asserts the PictorResult or PictorError produced.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resetReplay } from '@pictor/testing';
import { replayGenerate } from '@pictor/testing/vitest';
import { createNovita } from '../src/index.ts';

const KEY = 'novita-observed-key-0123456789abcdef';
const TASK = '5f1c2a7e-4b8d-4e0a-9c3b-pictor000001';
const request = { model: 'glm-image', prompt: 'A lighthouse on a cliff at dawn' } as const;
const fast = { poll: { firstDelayMs: 0, intervalMs: 1, minIntervalMs: 1, maxIntervalMs: 1, maxEtaWaitMs: 1 }, retry: { submit: { minDelayMs: 1, maxDelayMs: 1 }, status: { minDelayMs: 1, maxDelayMs: 1 } } };

afterEach(() => resetReplay());

const run = (name: string) => replayGenerate(`novita/${name}`, createNovita({ apiKey: KEY }), request, fast, KEY);

describe('observed Novita shapes', () => {
  it('a 200 holding only failure fields (no task_id) is invalid_response with an unknown outcome, sent once', async () => {
    const { error, requests } = await run('observed-200-failed-response');
    expect(error).toMatchObject({ kind: 'invalid_response', submitOutcome: 'unknown', retryable: false, handle: undefined });
    expect(error!.message).toContain('no task_id');
    expect(requests).toHaveLength(1);
  });

  it('a task_id beside empty failure fields is an accepted task', async () => {
    const { result, scope } = await run('observed-task-id-with-empty-failure-fields');
    scope.done();
    expect(result).toMatchObject({ provider: 'novita', taskId: TASK, images: [{ url: 'https://images.example.test/pictor/novita-0.png', mediaType: 'image/png' }] });
  });

  it('SUCCEED with videos and no images is invalid_response with the handle', async () => {
    const { error, requests } = await run('observed-succeed-with-videos');
    expect(error).toMatchObject({ kind: 'invalid_response', handle: { taskId: TASK } });
    expect(error!.message).toContain('success with no images');
    expect(requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
  });

  it('image_url_ttl as a number sets the expiry from now', async () => {
    const before = Date.now();
    const { result, scope } = await run('observed-ttl-number');
    scope.done();
    expect(result!.images[0]!.mediaType).toBe('image/webp');
    const expires = Date.parse(result!.images[0]!.expiresAt!);
    expect(expires - before).toBeGreaterThanOrEqual(7200_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(7200_000);
  });

  it('a task-result in the legacy {code, data:{status: 2}} envelope is invalid_response, with the handle, no resubmit', async () => {
    const { error, requests } = await run('observed-legacy-progress-envelope');
    expect(error).toMatchObject({ kind: 'invalid_response', handle: { taskId: TASK } });
    expect(error!.message).toContain('has no task.status');
    expect(requests).toEqual(['POST /v3/async/glm-image', `GET /v3/async/task-result?task_id=${TASK}`]);
  });
});
