/**
 * Issue 12 item 4 (construction part): a key that cannot be a header value (CR/LF,
 * control characters, beyond Latin-1) is an invalid_request when the provider is
 * built: nothing is sent, and no message, JSON or cause quotes the key.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pictorThrown as thrown } from '@pictor/testing/vitest';
import { PictorError, createImageClient, createNovita, createZai } from 'pictor';
import { startHostileServer, type HostileServer } from './http-servers.ts';

const SECRET = 'sk-adversarial-0123456789abcdef';
let server: HostileServer | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  server = undefined;
});

function expectNoLeak(error: PictorError): void {
  expect(error.kind).toBe('invalid_request');
  expect(error.message).not.toContain(SECRET);
  expect(JSON.stringify(error.toJSON())).not.toContain(SECRET);
  expect(String(error.stack)).not.toContain(SECRET);
  expect(error.cause).toBeUndefined();
}

describe('keys are checked when the provider is built', () => {
  it.each([
    ['CR/LF header injection', `${SECRET}\r\nX-Evil: 1`],
    ['a NUL byte', `${SECRET}\u0000`],
    ['an emoji', `${SECRET}🔑`],
  ])('%s in a config key: refused, nothing sent, key never quoted', async (_what, apiKey) => {
    server = await startHostileServer({});
    const error = thrown(() => createImageClient({ model: 'zai:glm-image', providers: { zai: { apiKey, baseURL: server!.url } } }));
    expectNoLeak(error);
    expect(error.message).toContain('apiKey contains');
    expect(server.requests.size).toBe(0);
  });

  it('a bad key from the environment is refused the same way', () => {
    vi.stubEnv('NOVITA_API_KEY', `${SECRET}\nsecond-line`);
    const error = thrown(() => createNovita({}));
    expectNoLeak(error);
    expect(error.message).toContain('novita: apiKey contains a line feed');
  });

  it('an extra header value with CR/LF is refused without quoting it', () => {
    const error = thrown(() => createZai({ apiKey: 'fine-key-000000', headers: { 'x-trace': `${SECRET}\r\nHost: evil` } }));
    expectNoLeak(error);
    expect(error.message).toContain('headers["x-trace"] contains a carriage return');
  });
});
