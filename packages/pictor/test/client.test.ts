import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pictorThrown as error } from '@pictor/testing/vitest';
import { createImageClient, createMock, defaultClientConfig, parseClientConfig, type ProviderRegistry } from '../src/index.ts';
import { loadClientConfig } from '../src/node.ts';

const fast = { poll: { firstDelayMs: 0, intervalMs: 2, minIntervalMs: 2, maxEtaWaitMs: 2 } };
afterEach(() => void vi.unstubAllEnvs());

describe('createImageClient', () => {
  it('switches provider by configuration only', async () => {
    const client = createImageClient({ model: 'mock:glm-image', providers: { mock: { durationMs: 5 } } });
    const result = await client.generate({ prompt: 'a cat' }, fast);
    expect(result).toMatchObject({ provider: 'mock', model: 'glm-image' });
    expect(client.candidates).toEqual(['mock:glm-image']);
    expect(Object.keys(client.providers)).toEqual(['mock']);
    expect(client.models['mock:glm-image']).toBeDefined();
  });

  it('builds zai and novita from their config sections (keys from config or env)', () => {
    vi.stubEnv('NOVITA_API_KEY', 'env-key-123456');
    const client = createImageClient({ model: 'zai:glm-image', fallbacks: ['novita:glm-image'], providers: { zai: { apiKey: 'k', region: 'mainland' } } });
    expect(Object.keys(client.providers)).toEqual(['zai', 'novita']);
  });

  it('lets a request name another model, keeping the fallbacks', async () => {
    const client = createImageClient({ model: 'mock:glm-image', providers: { mock: { durationMs: 5 } } });
    await expect(client.generate({ prompt: 'x', model: 'cogview-4-250304' })).resolves.toMatchObject({ model: 'cogview-4-250304' });
    await expect(client.generate({ prompt: 'x', model: 'mock:cogview-4-250304' })).resolves.toMatchObject({ model: 'cogview-4-250304' });
    await expect(client.generate({ prompt: 'x', model: 'mock:nope' })).rejects.toThrow('available: mock:glm-image, mock:cogview-4-250304');
  });

  it('resumes handles through the client', async () => {
    const client = createImageClient({ model: 'mock:glm-image', providers: { mock: { durationMs: 5 } } });
    const handle = await client.submit({ prompt: 'x' });
    // The task runs 5 ms on the mock's clock: read right away it is running (with eta), or already done.
    const status = await client.status(handle);
    expect(['running', 'succeeded']).toContain(status.state);
    expect(status.state === 'running' ? status.etaMs : status.result?.provider).toBeDefined();
    await expect(createImageClient({ model: 'mock:glm-image' }).wait(JSON.parse(JSON.stringify(handle)), fast)).resolves.toMatchObject({ provider: 'mock' });
  });

  it('explains bad configs, listing what is available', () => {
    expect(error(() => createImageClient({ model: 'dalle:v3' })).message).toContain('Unknown provider "dalle"; available: zai, novita, mock');
    expect(error(() => createImageClient({ model: 'zai:dall-e' })).message).toContain('available: zai:glm-image, zai:cogview-4-250304');
    expect(error(() => createImageClient({ model: 'glm-image' })).message).toContain('must be "provider:model"');
    expect(error(() => createImageClient({ model: 'mock:glm-image', providers: { zai: { region: 'mars' } }, fallbacks: ['zai:glm-image'] })).message).toContain('providers.zai');
    expect(error(() => createImageClient({ model: 'mock:glm-image', providers: { other: {} } })).message).toContain('Unknown provider "other" in providers');
    expect(error(() => createImageClient({ model: 'mock:glm-image', extra: 1 } as never)).message).toContain('extra');
    expect(error(() => parseClientConfig(null)).kind).toBe('invalid_request');
  });

  it('registers a user adapter the same way as the built-ins, and generates with it', async () => {
    const built: Record<string, unknown>[] = [];
    const extra: ProviderRegistry = {
      mine: (options) => {
        built.push(options);
        return createMock({ id: 'mine', durationMs: 1 });
      },
    };
    const client = createImageClient({ model: 'mine:glm-image', providers: { mine: { region: 'here' } } }, extra);
    expect(client.candidates).toEqual(['mine:glm-image']);
    expect(built).toEqual([{ region: 'here' }]);
    const result = await client.generate({ prompt: 'a user adapter' }, fast);
    expect(result).toMatchObject({ provider: 'mine', model: 'glm-image', images: [{ mediaType: 'image/png' }] });
  });

  it('defaults to the mock without keys, Z.AI (then Novita) with them', () => {
    vi.stubEnv('ZAI_API_KEY', '');
    vi.stubEnv('NOVITA_API_KEY', '');
    expect(defaultClientConfig()).toEqual({ config: { model: 'mock:glm-image' }, usesMock: true });
    vi.stubEnv('NOVITA_API_KEY', 'n-key-12345678');
    expect(defaultClientConfig().config).toEqual({ model: 'novita:glm-image' });
    vi.stubEnv('ZAI_API_KEY', 'z-key-12345678');
    expect(defaultClientConfig()).toEqual({ config: { model: 'zai:glm-image', fallbacks: ['novita:glm-image'] }, usesMock: false });
    expect(createImageClient().candidates).toEqual(['zai:glm-image', 'novita:glm-image']);
  });
});

describe('loadClientConfig', () => {
  it('reads JSON files and names the file in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pictor-config-'));
    try {
      await writeFile(join(dir, 'ok.json'), JSON.stringify({ model: 'mock:glm-image', fallbacks: ['mock:cogview-4-250304'] }));
      await writeFile(join(dir, 'bad.json'), '{ "model": ');
      await writeFile(join(dir, 'wrong.json'), JSON.stringify({ model: 'x' }));
      expect(await loadClientConfig(join(dir, 'ok.json'))).toMatchObject({ model: 'mock:glm-image' });
      await expect(loadClientConfig(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json is not valid JSON/);
      await expect(loadClientConfig(join(dir, 'wrong.json'))).rejects.toThrow(/wrong\.json: Invalid Pictor config: model/);
      await expect(loadClientConfig(join(dir, 'missing.json'))).rejects.toThrow(/Cannot read config file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
