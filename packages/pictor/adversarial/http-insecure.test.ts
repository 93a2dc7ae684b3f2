/**
 * Issue 12 item 6: a config file cannot send a key from the environment to a plain-http
 * address. Non-loopback http base URLs are refused when the provider is built, unless
 * `allowInsecure: true`; loopback (the emulator, a local proxy) stays allowed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pictorThrown as thrown } from '@pictor/testing/vitest';
import { createImageClient, createNovita, createZai } from 'pictor';
import { json, startHostileServer } from './http-servers.ts';

const ENV_KEY = 'env-secret-key-0123456789';
afterEach(() => vi.unstubAllEnvs());

describe('plain-http base URLs', () => {
  it('a config file pointing zai at http://anything is refused before any request, naming the options', () => {
    vi.stubEnv('ZAI_API_KEY', ENV_KEY);
    const error = thrown(() => createImageClient({ model: 'zai:glm-image', providers: { zai: { baseURL: 'http://attacker.example/v4' } } }));
    expect(error).toMatchObject({ kind: 'invalid_request', provider: 'zai' });
    expect(error.message).toMatch(/baseURL http:\/\/attacker\.example is plain http.*allowInsecure: true/);
    expect(JSON.stringify(error.toJSON())).not.toContain(ENV_KEY);
  });

  it('the same for novita, and for the factories called directly', () => {
    vi.stubEnv('NOVITA_API_KEY', ENV_KEY);
    expect(thrown(() => createImageClient({ model: 'novita:glm-image', providers: { novita: { baseURL: 'http://10.1.2.3' } } })).kind).toBe('invalid_request');
    expect(thrown(() => createZai({ apiKey: ENV_KEY, baseURL: 'http://192.168.1.20/api' })).message).toContain('allowInsecure');
    expect(thrown(() => createNovita({ apiKey: ENV_KEY, baseURL: 'http://example.com' })).message).toContain('allowInsecure');
  });

  it('allowInsecure: true (factory option or config section) lets it through', () => {
    expect(() => createZai({ apiKey: ENV_KEY, baseURL: 'http://192.168.1.20/api', allowInsecure: true })).not.toThrow();
    expect(() => createNovita({ apiKey: ENV_KEY, baseURL: 'http://example.com', allowInsecure: true })).not.toThrow();
    expect(() =>
      createImageClient({ model: 'zai:glm-image', providers: { zai: { apiKey: ENV_KEY, baseURL: 'http://proxy.internal', allowInsecure: true } } }),
    ).not.toThrow();
  });

  it('allowInsecure must be a boolean: the config error names the field', () => {
    const error = thrown(() => createImageClient({ model: 'zai:glm-image', providers: { zai: { baseURL: 'http://x.example', allowInsecure: 'yes' } } }));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain('allowInsecure');
  });

  it('loopback http still works end to end (no option needed)', async () => {
    const server = await startHostileServer({
      'images/generations': (_req, res) => json(res, 200, { created: 1, data: [{ url: 'https://img.example.com/a.png' }] }),
    });
    try {
      const client = createImageClient({ model: 'zai:cogview-4-250304', providers: { zai: { apiKey: ENV_KEY, baseURL: server.url.replace('127.0.0.1', 'localhost') } } });
      await expect(client.generate({ prompt: 'a cat' })).resolves.toMatchObject({ images: [{ url: 'https://img.example.com/a.png' }] });
    } finally {
      await server.close();
    }
  });
});
