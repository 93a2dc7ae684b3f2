/**
 * Secret hygiene: every error path is driven with a known fake key, and the key
 * must appear nowhere: messages, stacks, JSON of errors and results, events.
 * Committed fixtures are scanned for key-like strings (run in CI as a test).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSecrets, startEmulator, type Emulator } from '@pictor/testing';
import { EMULATOR_ERROR_FAULTS } from '@pictor/testing';
import { PictorError, collectEvents, createNovita, createZai, failover, type ErrorKind, type ImageProvider } from '../../src/index.ts';

const ZAI_KEY = 'zai-fake-key.9f8e7d6c5b4a3210FEDCBA';
const NOVITA_KEY = 'sk_novita_fake_key_0123456789abcdef';

function assertClean(value: unknown, where: string) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v));
  expect(text, where).not.toContain(ZAI_KEY);
  expect(text, where).not.toContain(NOVITA_KEY);
}

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ durations: 5, imageSize: { width: 4, height: 4 } });
});
afterAll(async () => emulator.close());

const providers = (): [string, ImageProvider][] => [
  ['zai', createZai({ apiKey: ZAI_KEY, baseURL: emulator.zaiBaseURL })],
  ['novita', createNovita({ apiKey: NOVITA_KEY, baseURL: emulator.novitaBaseURL })],
];

const fast = { poll: { firstDelayMs: 0, intervalMs: 2, minIntervalMs: 2, maxEtaWaitMs: 2, timeoutMs: 300 }, retry: { submit: { retries: 0 }, status: { retries: 0 } } };

describe('no API key in any error, result or event', () => {
  const kinds = Object.keys(EMULATOR_ERROR_FAULTS.zai) as ErrorKind[];
  it.each(kinds)('%s on submit', async (kind) => {
    for (const [id, provider] of providers()) {
      const spec = EMULATOR_ERROR_FAULTS[id as 'zai' | 'novita'][kind]!;
      // The emulated error message echoes the key, as some providers do.
      emulator.setFaults([{ type: 'http', status: spec.status, code: spec.code, message: `bad request from Bearer ${id === 'zai' ? ZAI_KEY : NOVITA_KEY}` }]);
      const { events, listener } = collectEvents();
      const error = await provider.generate({ model: 'glm-image', prompt: 'p' }, { ...fast, onEvent: listener }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PictorError);
      assertClean((error as PictorError).message, `${id} ${kind} message`);
      assertClean((error as PictorError).stack, `${id} ${kind} stack`);
      assertClean((error as PictorError).toJSON(), `${id} ${kind} JSON`);
      // What console.log(error) prints, cause chain included.
      assertClean(inspect(error, { depth: 20 }), `${id} ${kind} inspect`);
      assertClean(events, `${id} ${kind} events`);
    }
  });

  it.each(['reset', 'malformed', 'task_failed', 'never_finish', 'slow'] as const)('%s', async (type) => {
    for (const [id, provider] of providers()) {
      // Each provider echoes the key it was sent (its redactor knows that key, not the other's).
      emulator.setFaults([{ type, delayMs: 500, code: `failed for ${id === 'zai' ? ZAI_KEY : NOVITA_KEY}` }]);
      const { events, listener } = collectEvents();
      const outcome = await provider.generate({ model: 'glm-image', prompt: 'p' }, { ...fast, onEvent: listener }).catch((e: unknown) => e);
      assertClean(outcome instanceof Error ? { message: outcome.message, stack: outcome.stack, json: (outcome as PictorError).toJSON?.() } : outcome, `${id} ${type}`);
      assertClean(inspect(outcome, { depth: 20 }), `${id} ${type} inspect`);
      assertClean(events, `${id} ${type} events`);
    }
  });

  it('successful results, handles and failover aggregates', async () => {
    emulator.setFaults([]);
    for (const [, provider] of providers()) {
      const { events, listener } = collectEvents();
      const result = await provider.generate({ model: 'glm-image', prompt: 'p' }, { ...fast, onEvent: listener });
      assertClean(result, 'result');
      assertClean(events, 'events');
    }
    emulator.setFaults([{ type: 'http', status: 503, times: 10 }]);
    const [[, zai], [, novita]] = providers() as [[string, ImageProvider], [string, ImageProvider]];
    const error = await failover([{ provider: zai, model: 'glm-image' }, { provider: novita, model: 'glm-image' }]).generate({ prompt: 'p' }, fast).catch((e: unknown) => e);
    assertClean((error as PictorError).toJSON(), 'aggregate');
  });
});

describe('no API key from a hostile server\'s body (issue 12, item 4)', () => {
  let server: Server;
  let baseURL = '';
  let answer: (res: ServerResponse) => void = (res) => res.end();
  beforeAll(async () => {
    server = createServer((_req, res) => answer(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  const json = (status: number, body: string) => (res: ServerResponse) => void res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  const call = (apiKey: string) =>
    createZai({ apiKey, baseURL }).generate({ model: 'glm-image', mode: 'sync', prompt: 'p' }, { retry: { submit: { retries: 0 } } }).catch((e: unknown) => e as PictorError);
  const clean = (error: unknown, key: string) => {
    for (const text of [(error as Error).message, (error as Error).stack, JSON.stringify((error as PictorError).toJSON()), inspect(error, { depth: 20 })]) {
      expect(text).not.toContain(key);
    }
  };

  it('a 200 that is not JSON but quotes the key: the SyntaxError cause is replaced', async () => {
    answer = json(200, `{"echo": "Bearer ${ZAI_KEY}", broken`);
    const error = await call(ZAI_KEY);
    expect(error).toMatchObject({ kind: 'invalid_response' });
    expect((error as PictorError).cause).toBeInstanceOf(Error);
    clean(error, ZAI_KEY);
  });

  it('an error body using the key as an object key', async () => {
    answer = json(401, JSON.stringify({ error: { code: '1000', message: 'bad key' }, [ZAI_KEY]: { [ZAI_KEY]: 'invalid' } }));
    const error = await call(ZAI_KEY);
    expect(error).toMatchObject({ kind: 'authentication' });
    clean(error, ZAI_KEY);
  });

  it('a key shorter than 8 characters is redacted too', async () => {
    answer = json(400, JSON.stringify({ error: { code: '1214', message: 'key k3y!Z is not valid here' } }));
    const error = await call('k3y!Z');
    expect((error as PictorError).message).toContain('[REDACTED]');
    clean(error, 'k3y!Z');
  });

  it('a key containing CR/LF (quoted by the header error) appears nowhere', async () => {
    const key = 'crlf-key-0123\r\nX-Injected: 1';
    answer = json(200, '{}');
    // Refused at construction or at call time, depending on where the header check runs: never leaked.
    const error = await (async () => call(key))().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PictorError);
    clean(error, key);
    clean(error, 'crlf-key-0123');
  });

  it('a 100k-deep error body on a 500 stays a retryable provider_unavailable (no stack overflow)', async () => {
    answer = json(500, `${'{"e":'.repeat(100_000)}"${ZAI_KEY}"${'}'.repeat(100_000)}`);
    const error = await call(ZAI_KEY);
    expect(error).toMatchObject({ kind: 'provider_unavailable', retryable: true, status: 500 });
    clean(error, ZAI_KEY);
  });

  it('a key lives in its provider\'s redactor, not in a process-wide registry that only grows', async () => {
    const { redactSecrets } = await import('@pictor/core/adapter');
    const probe = 'registry-probe-key-1';
    createZai({ apiKey: probe, baseURL });
    expect(redactSecrets(`x ${probe}`)).toBe(`x ${probe}`);
  });
});

describe('committed fixtures hold no key-like string', () => {
  it('scans every fixture file in the repository', () => {
    const root = new URL('../../../', import.meta.url).pathname;
    const files = readdirSync(root, { recursive: true, withFileTypes: false })
      .map(String)
      .filter((f) => f.includes('fixtures') && f.endsWith('.json') && !f.includes('node_modules'));
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(findSecrets(text), file).toEqual([]);
      expect(text, file).not.toMatch(/"authorization"/i);
    }
  });
});
