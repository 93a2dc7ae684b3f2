import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.ts';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const auth = { authorization: 'Bearer emulator-key', 'content-type': 'application/json' };
const post = (url: string, body: unknown, headers: Record<string, string> = auth) => fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });

describe('startEmulator', () => {
  it('refuses a misspelt option or fault field, naming it, instead of ignoring it', async () => {
    await expect(startEmulator({ latency: 5 } as never)).rejects.toMatchObject({ kind: 'invalid_request', message: expect.stringMatching(/emulator.*latency/s) });
    await expect(startEmulator({ faults: [{ type: 'http', statuss: 500 }] as never })).rejects.toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('statuss') });
    emulator = await startEmulator();
    expect(() => emulator!.setFaults([{ type: 'explode' } as never])).toThrow(/emulator faults.*type/s);
  });

  it('gives a provider config that points at it and polls at its pace', async () => {
    emulator = await startEmulator({ durations: { zai: 300, novita: 500 } });
    expect(emulator.providerConfig('zai')).toEqual({ baseURL: emulator.zaiBaseURL, apiKey: 'emulated-key', poll: { typicalDurationMs: 300 } });
    expect(emulator.providerConfig('novita')).toEqual({ baseURL: emulator.novitaBaseURL, apiKey: 'emulated-key', poll: { typicalDurationMs: 500 } });
  });

  it('serves Z.AI sync, async submit and async-result, and real PNGs', async () => {
    // A manual clock: the task is done when the test says so, however slow the machine is.
    let clock = 1_000_000;
    emulator = await startEmulator({ durations: 30, now: () => clock });
    const sync = await (await post(`${emulator.zaiBaseURL}/images/generations`, { model: 'glm-image', prompt: 'cat', size: '1024x1024' })).json();
    expect(sync.data[0].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/images\//);
    const image = await fetch(sync.data[0].url);
    expect(image.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await image.arrayBuffer());
    expect(new DataView(bytes.buffer).getUint32(16)).toBe(1024);

    const submitted = await (await post(`${emulator.zaiBaseURL}/async/images/generations`, { model: 'glm-image', prompt: 'dog' })).json();
    expect(submitted).toMatchObject({ task_status: 'PROCESSING' });
    expect(submitted.id).toMatch(/^\d{19}$/);
    const first = await (await fetch(`${emulator.zaiBaseURL}/async-result/${submitted.id}`, { headers: auth })).json();
    expect(first.task_status).toBe('PROCESSING');
    clock += 29;
    expect((await (await fetch(`${emulator.zaiBaseURL}/async-result/${submitted.id}`, { headers: auth })).json()).task_status).toBe('PROCESSING');
    clock += 1;
    const done = await (await fetch(`${emulator.zaiBaseURL}/async-result/${submitted.id}`, { headers: auth })).json();
    expect(done).toMatchObject({ task_status: 'SUCCESS', image_result: [{ url: expect.any(String) }] });
    expect(emulator.counters).toMatchObject({ 'zai.sync': 1, 'zai.submit': 1, 'zai.status': 3, image: 1 });
    expect(emulator.submitsByPrompt.get('dog')).toBe(1);
  });

  it('serves Novita submit and task-result with eta and progress', async () => {
    let clock = 0;
    emulator = await startEmulator({ durations: { novita: 5000 }, now: () => clock });
    const { task_id } = await (await post(`${emulator.novitaBaseURL}/v3/async/glm-image`, { prompt: 'fox', size: '1280x1280' })).json();
    const read = async () => (await (await fetch(`${emulator!.novitaBaseURL}/v3/async/task-result?task_id=${task_id}`, { headers: auth })).json()).task;
    expect(await read()).toMatchObject({ status: 'TASK_STATUS_PROCESSING', eta: 5, progress_percent: 0 });
    clock = 1250;
    expect(await read()).toMatchObject({ status: 'TASK_STATUS_PROCESSING', eta: 3.75, progress_percent: 25 });
    clock = 5000;
    expect(await read()).toMatchObject({ status: 'TASK_STATUS_SUCCEED', eta: 0, progress_percent: 100 });
    const missing = await fetch(`${emulator.novitaBaseURL}/v3/async/task-result?task_id=nope`, { headers: auth });
    expect(missing.status).toBe(404);
    expect((await missing.json()).reason).toBe('TASK_NOT_FOUND');
  });

  it('requires a bearer key in each provider format', async () => {
    emulator = await startEmulator({ apiKeys: ['right'] });
    const zai = await post(`${emulator.zaiBaseURL}/images/generations`, { prompt: 'x' }, { 'content-type': 'application/json' });
    expect(zai.status).toBe(401);
    expect((await zai.json()).error.code).toBe('1001');
    const novita = await post(`${emulator.novitaBaseURL}/v3/async/glm-image`, { prompt: 'x' }, { authorization: 'Bearer wrong' });
    expect((await novita.json()).reason).toBe('INVALID_API_KEY');
    expect((await fetch(`${emulator.url}/nowhere`)).status).toBe(404);
  });

  it('injects faults: statuses with codes and Retry-After, malformed JSON, resets, failed tasks', async () => {
    emulator = await startEmulator({
      durations: 0,
      faults: [
        { provider: 'zai', endpoint: 'sync', type: 'http', status: 429, code: '1302', retryAfterSeconds: 2 },
        { provider: 'zai', endpoint: 'sync', type: 'malformed' },
        { provider: 'zai', endpoint: 'sync', type: 'reset' },
        { provider: 'novita', endpoint: 'submit', type: 'task_failed', code: 'NSFW' },
      ],
    });
    const limited = await post(`${emulator.zaiBaseURL}/images/generations`, { prompt: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await limited.json()).error.code).toBe('1302');
    const malformed = await post(`${emulator.zaiBaseURL}/images/generations`, { prompt: 'x' });
    await expect(malformed.json()).rejects.toThrow();
    await expect(post(`${emulator.zaiBaseURL}/images/generations`, { prompt: 'x' })).rejects.toThrow();
    const ok = await post(`${emulator.zaiBaseURL}/images/generations`, { prompt: 'x' });
    expect(ok.status).toBe(200);
    expect(emulator.submitsByPrompt.get('x')).toBe(4);

    const { task_id } = await (await post(`${emulator.novitaBaseURL}/v3/async/glm-image`, { prompt: 'y' })).json();
    const failed = await (await fetch(`${emulator.novitaBaseURL}/v3/async/task-result?task_id=${task_id}`, { headers: auth })).json();
    expect(failed.task).toMatchObject({ status: 'TASK_STATUS_FAILED', reason: 'NSFW' });
  });

  it('applies rate-based faults from a seeded generator, and reset/setFaults re-arm them', async () => {
    emulator = await startEmulator({ faults: [{ type: 'http', status: 503, rate: 0.5 }], seed: 7 });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await post(`${emulator.novitaBaseURL}/v3/async/glm-image`, { prompt: `p${i}` })).status);
    const failures = statuses.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(17);
    emulator.setFaults([]);
    emulator.reset();
    expect(emulator.counters).toEqual({});
    expect((await post(`${emulator.novitaBaseURL}/v3/async/glm-image`, { prompt: 'z' })).status).toBe(200);
  });

  it('closes cleanly with requests in flight', async () => {
    emulator = await startEmulator({ faults: [{ type: 'slow', delayMs: 60_000 }] });
    const pending = post(`${emulator.zaiBaseURL}/images/generations`, { prompt: 'x' }).catch((e: unknown) => e);
    // Close once the request is in the emulator's hands (its counter says so), not after a guessed delay.
    await vi.waitFor(() => expect(emulator!.submitsByPrompt.get('x')).toBe(1));
    await emulator.close();
    emulator = undefined;
    expect(await pending).toBeInstanceOf(Error);
  });
});
