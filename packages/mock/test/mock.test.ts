import { inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PictorError, collectEvents, download, type ErrorKind } from '@pictor/core';
import { createMock, decodePng, encodePng, hashString, paintPng, readPngSize, toBase64 } from '../src/index.ts';

afterEach(() => void vi.useRealTimers());

/** Decodes the IDAT of our PNGs fully, proving the file is a real image. */
function decodePixels(png: Uint8Array) {
  const { width, height } = readPngSize(png);
  const view = new DataView(png.buffer, png.byteOffset);
  let offset = 8;
  const idat: Uint8Array[] = [];
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    if (type === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((width * 3 + 1) * height);
  return { width, height, raw };
}

const fast = { poll: { firstDelayMs: 0, intervalMs: 5, minIntervalMs: 5 } };

describe('PNG encoding', () => {
  it('encodes decodable PNGs of the requested size', async () => {
    const png = await encodePng(3, 2, (y, out) => out.fill(y * 100));
    const { width, height, raw } = decodePixels(png);
    expect([width, height]).toEqual([3, 2]);
    expect(raw[0]).toBe(1); // Sub filter
    expect(() => readPngSize(new Uint8Array(30))).toThrow('Not a PNG');
    expect(toBase64(new Uint8Array([104, 105]))).toBe('aGk=');
    const decoded = await decodePng(png);
    expect(decoded).toEqual({ width: 3, height: 2, rgb: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100]) });
  });

  it('decodes every PNG filter type, and refuses what it cannot read', async () => {
    // A 2x2 image whose rows use filters 2 (Up), 3 (Average) and 4 (Paeth), built by hand.
    const { deflateSync } = await import('node:zlib');
    const raw = Uint8Array.from([0, 10, 20, 30, 40, 50, 60, 4, 1, 1, 1, 1, 1, 1]);
    const header = await encodePng(2, 2, (_y, out) => out.fill(0));
    const idat = deflateSync(raw);
    const { width, height } = readPngSize(header);
    expect([width, height]).toEqual([2, 2]);
    const view = new DataView(header.buffer);
    const ihdrEnd = 8 + 12 + view.getUint32(8);
    const chunk = (type: string, data: Uint8Array) => {
      const out = new Uint8Array(12 + data.length);
      new DataView(out.buffer).setUint32(0, data.length);
      out.set([...type].map((c) => c.charCodeAt(0)), 4);
      out.set(data, 8);
      return out; // CRC left zero: the decoder does not check it
    };
    const png = new Uint8Array([...header.subarray(0, ihdrEnd), ...chunk('IDAT', idat), ...chunk('IEND', new Uint8Array(0))]);
    const decoded = await decodePng(png);
    expect(Array.from(decoded.rgb)).toEqual([10, 20, 30, 40, 50, 60, 11, 21, 31, 41, 51, 61]);
    for (const filter of [2, 3]) {
      raw[7] = filter;
      const other = new Uint8Array([...header.subarray(0, ihdrEnd), ...chunk('IDAT', deflateSync(raw)), ...chunk('IEND', new Uint8Array(0))]);
      expect((await decodePng(other)).rgb.length).toBe(12);
    }
    raw[7] = 9;
    const broken = new Uint8Array([...header.subarray(0, ihdrEnd), ...chunk('IDAT', deflateSync(raw)), ...chunk('IEND', new Uint8Array(0))]);
    await expect(decodePng(broken)).rejects.toThrow('Unknown PNG filter 9');
  });

  it('paints deterministically and differently per prompt', async () => {
    const a = await paintPng(64, 48, 'a cat');
    const b = await paintPng(64, 48, 'a cat');
    const c = await paintPng(64, 48, 'a dog');
    const d = await paintPng(64, 48, 'a cat', 1);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(d);
    expect(hashString('x')).not.toBe(hashString('y'));
  });
});

describe('createMock', () => {
  it('generates in async mode with real PNG data URLs of the requested size', async () => {
    const mock = createMock({ durationMs: 20 });
    const { events, listener } = collectEvents();
    const result = await mock.generate({ model: 'glm-image', prompt: 'lighthouse', size: '1056x1568' }, { onEvent: listener, ...fast });
    // The mock reports what the real glm-image would cost (same spec as zai:glm-image).
    expect(result).toMatchObject({ provider: 'mock', model: 'glm-image', size: { width: 1056, height: 1568 }, cost: { images: 1, basis: 'published', usd: 0 } });
    const image = await download(result.images[0]!);
    expect(decodePixels(image.bytes)).toMatchObject({ width: 1056, height: 1568 });
    expect(events[0]?.type).toBe('submitted');
    expect(events.at(-1)?.type).toBe('completed');
    expect(mock.calls.map((c) => c.method)).toContain('submitAsync');
  });

  it('generates in sync mode, for cogview and on request for glm-image', async () => {
    const mock = createMock({ durationMs: 1 });
    const cog = await mock.generate({ model: 'cogview-4-250304', prompt: 'x', quality: 'hd' });
    expect(cog.quality).toBe('hd');
    expect(readPngSize((await download(cog.images[0]!)).bytes)).toEqual({ width: 1024, height: 1024 });
    const glm = await mock.generate({ model: 'glm-image', prompt: 'x', mode: 'sync' });
    expect(glm.images).toHaveLength(1);
    // Several images per call only when deliberately allowed (the real glm-image returns one).
    const many = await createMock({ durationMs: 1, models: { 'glm-image': { maxImagesPerCall: 2 } } }).generate({ model: 'glm-image', prompt: 'x', mode: 'sync', n: 2 });
    expect(many.images).toHaveLength(2);
    expect(many.images[0]!.url).not.toBe(many.images[1]!.url);
    expect(mock.calls.map((c) => c.method)).toEqual(['generateSync', 'generateSync']);
  });

  it('uses the core size rules before any call', async () => {
    const mock = createMock();
    await expect(mock.generate({ model: 'glm-image', prompt: 'x', size: '1000x1000' })).rejects.toMatchObject({ kind: 'invalid_request' });
    await expect(mock.generate({ model: 'glm-image', prompt: 'x', providerOptions: { mock: { colour: 1 } } })).rejects.toMatchObject({ kind: 'invalid_request' });
    expect(mock.calls).toHaveLength(0);
  });

  it('reports queue, progress and eta on status reads', async () => {
    vi.useFakeTimers();
    const mock = createMock({ queueMs: 1000, durationMs: 2000 });
    const handle = await mock.submit({ model: 'glm-image', prompt: 'x', size: '1024x1024' });
    await expect(mock.status(handle)).resolves.toMatchObject({ state: 'queued', etaMs: 3000, progress: 0 });
    await vi.advanceTimersByTimeAsync(2000);
    await expect(mock.status(handle)).resolves.toMatchObject({ state: 'running', etaMs: 1000, progress: 50 });
    await vi.advanceTimersByTimeAsync(1000);
    await expect(mock.status(handle)).resolves.toMatchObject({ state: 'succeeded' });
    vi.useRealTimers();
    const quiet = createMock({ reportEta: false, durationMs: 1000 });
    await expect(quiet.status(await quiet.submit({ model: 'glm-image', prompt: 'x' }))).resolves.toEqual({ state: 'running', progress: undefined, etaMs: undefined });
  });

  const kinds: ErrorKind[] = ['invalid_request', 'authentication', 'permission', 'insufficient_quota', 'rate_limited', 'content_filtered', 'not_found', 'provider_unavailable', 'timeout', 'network', 'invalid_response', 'task_failed'];
  it.each(kinds)('scripts a %s fault on submit', async (kind) => {
    const mock = createMock({ faults: [{ on: 'submit', error: kind, times: 5 }] });
    const error = (await mock.generate({ model: 'glm-image', prompt: 'x' }, { retry: { submit: { retries: 0 } } }).catch((e) => e)) as PictorError;
    expect(error).toBeInstanceOf(PictorError);
    expect(error.kind).toBe(kind);
    expect(error.provider).toBe('mock');
    expect(mock.acceptedTasks).toBe(0);
  });

  it('fails N times then succeeds, and reset re-arms the script', async () => {
    const mock = createMock({ durationMs: 1, faults: [{ on: 'submit', error: 'rate_limited', times: 2, retryAfterMs: 1 }] });
    const result = await mock.generate({ model: 'glm-image', prompt: 'x' }, { retry: { submit: { minDelayMs: 1, maxDelayMs: 1 } }, ...fast });
    expect(result.timings.attempts).toBe(3);
    expect(mock.calls.filter((c) => c.method === 'submitAsync').map((c) => c.outcome)).toEqual(['rate_limited', 'rate_limited', 'ok']);
    mock.reset();
    expect(mock.calls).toHaveLength(0);
    await expect(mock.submit({ model: 'glm-image', prompt: 'x' }, { retry: { submit: { retries: 0 } } })).rejects.toMatchObject({ kind: 'rate_limited' });
  });

  it('scripts faults on status reads, retried without resubmitting', async () => {
    const mock = createMock({ durationMs: 1, faults: [{ on: 'status', error: 'provider_unavailable', times: 2 }] });
    const result = await mock.generate({ model: 'glm-image', prompt: 'x' }, { retry: { status: { minDelayMs: 1, maxDelayMs: 1 } }, ...fast });
    expect(result.provider).toBe('mock');
    expect(mock.calls.filter((c) => c.method === 'submitAsync')).toHaveLength(1);
  });

  it('scripts failed tasks and empty successes, per prompt', async () => {
    const mock = createMock({ durationMs: 1, faults: [{ on: 'task', fail: 'NSFW', prompt: 'bad' }, { on: 'task', empty: true, prompt: 'empty' }] });
    await expect(mock.generate({ model: 'glm-image', prompt: 'fine' }, fast)).resolves.toBeDefined();
    await expect(mock.generate({ model: 'glm-image', prompt: 'a bad one' }, fast)).rejects.toMatchObject({ kind: 'task_failed', message: expect.stringContaining('NSFW') });
    await expect(mock.generate({ model: 'glm-image', prompt: 'empty' }, fast)).rejects.toMatchObject({ kind: 'invalid_response' });
    const sync = createMock({ durationMs: 1, faults: [{ on: 'task', fail: 'boom' }, { on: 'task', empty: true }] });
    await expect(sync.generate({ model: 'cogview-4-250304', prompt: 'x' })).rejects.toMatchObject({ kind: 'task_failed' });
    await expect(sync.generate({ model: 'cogview-4-250304', prompt: 'x' })).rejects.toMatchObject({ kind: 'invalid_response' });
  });

  it('hangs until aborted', async () => {
    const mock = createMock({ faults: [{ on: 'submit', hang: true }] });
    const controller = new AbortController();
    const pending = mock.generate({ model: 'glm-image', prompt: 'x' }, { signal: controller.signal });
    await vi.waitFor(() => expect(mock.calls.map((c) => c.outcome)).toEqual(['hang']));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('resumes a saved handle in a fresh instance, and refuses ids it never issued', async () => {
    const handle = JSON.parse(JSON.stringify(await createMock({ durationMs: 1 }).submit({ model: 'glm-image', prompt: 'x', size: '1024x1024' })));
    const fresh = createMock();
    const result = await fresh.wait(handle, fast);
    expect(readPngSize((await download(result.images[0]!)).bytes)).toEqual({ width: 1024, height: 1024 });
    expect(fresh.calls.map((c) => c.method)).not.toContain('submitAsync');
    await expect(fresh.status({ ...handle, taskId: 'mock-%%%' })).rejects.toMatchObject({ kind: 'not_found' });
    await expect(fresh.status({ ...handle, taskId: 'other' })).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('refuses bad options at creation, naming the field', () => {
    expect(() => createMock({ durationMs: -5 })).toThrow(/durationMs/);
    expect(() => createMock({ faults: [{ on: 'submit', error: 'boom' as never }] })).toThrow(/faults/);
    expect(() => createMock({ faults: [{ on: 'later' as never, error: 'timeout' }] })).toThrow(/faults/);
    expect(() => createMock({ latency: 5 } as never)).toThrow(/latency/);
  });

  it('supports a custom id and the variant provider option', async () => {
    const mock = createMock({ id: 'backup', durationMs: 1 });
    const a = await mock.generate({ model: 'cogview-4-250304', prompt: 'x' });
    const b = await mock.generate({ model: 'cogview-4-250304', prompt: 'x', providerOptions: { backup: { variant: 3 } } });
    expect(a.provider).toBe('backup');
    expect(a.images[0]!.url).not.toBe(b.images[0]!.url);
  });
});
