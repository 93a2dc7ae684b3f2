import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { FIXTURE_SOURCES, bundledFixture, bundledFixtureNames, findSecrets, parseFixture, record, recordScenarios, replay, resetReplay, scrubFixture, startEmulator, type Fixture } from '../src/index.ts';

afterEach(() => resetReplay());

const fixture: Fixture = {
  scenario: 'example',
  source: 'documented',
  sourceDetail: 'test',
  interactions: [
    { scope: 'https://api.example.test:443', method: 'POST', path: '/v1/things', body: { name: 'a', request_id: 'x' }, status: 200, response: { ok: 1 }, rawHeaders: ['X-Request-Id', 'r1'] },
    { scope: 'https://api.example.test:443', method: 'GET', path: '/v1/raw', status: 200, response: 'not json', times: 2 },
  ],
};

describe('fixture format', () => {
  it('validates files and explains what is wrong', () => {
    expect(parseFixture(fixture)).toEqual(fixture);
    expect(() => parseFixture({ ...fixture, source: 'guessed' }, 'f.json')).toThrow(/f\.json is not a valid Pictor fixture: source/);
    expect(() => parseFixture({ ...fixture, interactions: [{ method: 'GET' }] })).toThrow(/scope/);
  });

  it('requires an observed fixture to cite where its shape was seen', () => {
    expect(() => parseFixture({ ...fixture, source: 'observed' })).toThrow(/sourceUrl: an observed fixture must cite/);
    expect(() => parseFixture({ ...fixture, source: 'observed', sourceUrl: 'http://insecure.example' })).toThrow(/sourceUrl/);
    expect(parseFixture({ ...fixture, source: 'observed', sourceUrl: 'https://github.com/o/r/issues/1' }).sourceUrl).toBe('https://github.com/o/r/issues/1');
  });
});

describe('the bundled fixture set', () => {
  const names = bundledFixtureNames();

  it('ships Z.AI and Novita fixtures, loadable by name', () => {
    expect(names.filter((n) => n.startsWith('zai/')).length).toBeGreaterThan(20);
    expect(names.filter((n) => n.startsWith('novita/')).length).toBeGreaterThan(15);
    expect(bundledFixtureNames('novita').every((n) => n.startsWith('novita/'))).toBe(true);
    expect(bundledFixture('zai/async-success').interactions[0]).toMatchObject({ method: 'POST', path: '/api/paas/v4/async/images/generations' });
    expect(() => bundledFixture('zai/nope')).toThrow(/No bundled fixture "zai\/nope"/);
    expect(() => bundledFixture('../package')).toThrow(/No bundled fixture/);
  });

  it('is packed and exported by the package', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { files: string[]; exports: Record<string, unknown> };
    expect(pkg.files).toContain('fixtures');
    expect(pkg.exports['./fixtures/*']).toBe('./fixtures/*');
  });

  it('lists every observed fixture, with its source, in fixtures/README.md', () => {
    const index = readFileSync(new URL('../fixtures/README.md', import.meta.url), 'utf8');
    const observed = names.filter((name) => bundledFixture(name).source === 'observed');
    expect(observed.length).toBeGreaterThanOrEqual(15);
    for (const name of observed) expect(index).toContain(`| \`${name}\` | ${bundledFixture(name).scenario.replace(/\|/g, '/')} | ${bundledFixture(name).sourceUrl} |`);
  });

  it.each(names)('%s says what it is, and holds no key', (name) => {
    const loaded = bundledFixture(name);
    expect(FIXTURE_SOURCES).toContain(loaded.source);
    // "documented" fixtures are written from docs: their detail must say so, not claim a recording.
    if (loaded.source === 'documented') expect(loaded.sourceDetail).not.toMatch(/recorded/i);
    if (loaded.source === 'observed') expect(loaded.sourceUrl).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\//);
    expect(findSecrets(JSON.stringify(loaded))).toEqual([]);
  });
});

describe('replay', () => {
  it('answers matching requests (subset body match, ignored request_id) and tracks them', async () => {
    const scope = replay(fixture);
    const response = await fetch('https://api.example.test/v1/things', { method: 'POST', body: JSON.stringify({ name: 'a', request_id: 'other', extra: true }) });
    expect(await response.json()).toEqual({ ok: 1 });
    expect(response.headers.get('x-request-id')).toBe('r1');
    expect(await (await fetch('https://api.example.test/v1/raw')).text()).toBe('not json');
    expect(scope.pending()).toHaveLength(1);
    expect(() => scope.done()).toThrow();
    await fetch('https://api.example.test/v1/raw');
    scope.done();
    expect(scope.requests).toEqual(['POST /v1/things', 'GET /v1/raw', 'GET /v1/raw']);
  });

  it('forbids unmatched requests and other hosts', async () => {
    replay(fixture);
    const wrongBody = await fetch('https://api.example.test/v1/things', { method: 'POST', body: JSON.stringify({ name: 'b' }) }).then(
      (r) => r.status,
      () => 'failed',
    );
    expect(wrongBody).not.toBe(200);
    await expect(fetch('https://elsewhere.test/')).rejects.toThrow();
  });

  it('replays against another origin', async () => {
    const scope = replay(fixture, { scope: 'https://mirror.example.test' });
    await fetch('https://mirror.example.test/v1/things', { method: 'POST', body: JSON.stringify({ name: 'a' }) });
    expect(scope.requests).toHaveLength(1);
  });
});

describe('record and scrub', () => {
  it('records live traffic (here: the emulator) with the key scrubbed everywhere', async () => {
    const key = 'live-secret-key-0123456789';
    const emulator = await startEmulator({ durations: 0 });
    try {
      const recording = record({ scenario: 'recorded from the emulator', secrets: [key] });
      await fetch(`${emulator.zaiBaseURL}/images/generations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'glm-image', prompt: `echo ${key}` }),
      }).then((r) => r.text());
      const recorded = recording.stop();
      // Recorded from 127.0.0.1: labelled as the emulator, never as the live API.
      expect(recorded.source).toBe('emulator');
      expect(recorded.sourceDetail).toMatch(/^recorded from the local emulator \(http:\/\/127\.0\.0\.1:\d+\)/);
      expect(recorded.sourceDetail).not.toContain('live API');
      expect(recorded.interactions).toHaveLength(1);
      expect(recorded.interactions[0]).toMatchObject({ method: 'POST', status: 200 });
      const text = JSON.stringify(recorded);
      expect(text).not.toContain(key);
      expect(findSecrets(text, [key])).toEqual([]);

      // A caller recording the live API through a local proxy can say so explicitly.
      const explicit = record({ scenario: 'through a proxy', secrets: [key], source: 'recorded' });
      await fetch(`${emulator.zaiBaseURL}/images/generations`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: '{"prompt":"x"}' }).then((r) => r.text());
      expect(explicit.stop()).toMatchObject({ source: 'recorded', sourceDetail: expect.stringMatching(/^recorded from the live API/) });
    } finally {
      await emulator.close();
    }
  });

  it('scrubs headers, known secrets and key-like strings', () => {
    const dirty: Fixture = {
      ...fixture,
      interactions: [{ ...fixture.interactions[0]!, rawHeaders: { Authorization: 'Bearer abcdefghijklmnop', 'set-cookie': 'a=b', 'x-ok': '1' }, response: { echo: 'sk-ABCDEFGHIJKLMNOPQRSTUV', mine: 'my-own-secret-1234' } }],
    };
    const clean = scrubFixture(dirty, ['my-own-secret-1234']);
    const text = JSON.stringify(clean);
    expect(text).not.toMatch(/abcdefghijklmnop|ABCDEFGHIJKLMNOPQRSTUV|my-own-secret-1234|set-cookie/);
    expect(clean.interactions[0]!.rawHeaders).toEqual({ 'x-ok': '1' });
    expect(findSecrets(JSON.stringify(dirty), ['my-own-secret-1234'])).toEqual(['my-own-secret-1234', 'key-like string']);
  });
});

describe('recordScenarios', () => {
  it('records each scenario, scrubbed, and refuses to return one that still leaks', async () => {
    const key = 'maintainer-key-0123456789abc';
    const emulator = await startEmulator({ durations: 0 });
    try {
      const call = (prompt: string) =>
        fetch(`${emulator.zaiBaseURL}/images/generations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'glm-image', prompt }),
        }).then((r) => r.text());
      const fixtures = await recordScenarios(
        [
          { name: 'ok', scenario: 'one sync call', run: () => call('a cat') },
          { name: 'failing', scenario: 'a scenario that throws is still recorded', run: async () => Promise.reject(new Error('expected')) },
        ],
        [key],
      );
      expect([...fixtures.keys()]).toEqual(['ok', 'failing']);
      expect(fixtures.get('ok')!.interactions).toHaveLength(1);
      expect(JSON.stringify([...fixtures.values()])).not.toContain(key);
    } finally {
      await emulator.close();
    }
  });
});

describe('recording compressed and echoing bodies', () => {
  const key = 'gzip-secret-key-0123456789';
  const body = { error: { message: `invalid Authorization: Bearer ${key}` }, [key]: 'used as an object key' };

  it('decodes a gzip body (hex chunks in nock) before scrubbing it', () => {
    const hex = gzipSync(JSON.stringify(body)).toString('hex');
    const recorded: Fixture = {
      ...fixture,
      interactions: [{ scope: 'https://api.example.test:443', method: 'GET', path: '/x', status: 500, response: [hex.slice(0, 20), hex.slice(20)], rawHeaders: ['Content-Encoding', 'gzip', 'Content-Length', '99', 'X-Ok', '1'] }],
    };
    const clean = scrubFixture(recorded, [key]);
    const text = JSON.stringify(clean);
    expect(text).not.toContain(key);
    expect(clean.interactions[0]!.response).toEqual({ error: { message: 'invalid Authorization: [REDACTED]' }, '[REDACTED]': 'used as an object key' });
    expect(clean.interactions[0]!.rawHeaders).toEqual({ 'x-ok': '1' });
    expect(findSecrets(text, [key])).toEqual([]);
  });

  it('decodes a binary (hex) body that is really text, and leaves real binary alone', () => {
    const asHex = Buffer.from(`echo ${key}`).toString('hex');
    const image = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe]).toString('hex');
    const clean = scrubFixture(
      { ...fixture, interactions: [{ scope: 'https://a.test:443', method: 'GET', path: '/t', status: 200, response: asHex, responseIsBinary: true }, { scope: 'https://a.test:443', method: 'GET', path: '/i', status: 200, response: image, responseIsBinary: true }] },
      [key],
    );
    expect(clean.interactions[0]!.response).toBe('echo [REDACTED]');
    expect(clean.interactions[1]!.response).toBe(image);
  });

  it('refuses a recorded gzip bomb instead of inflating it', () => {
    const bomb = gzipSync(Buffer.alloc(60 * 1024 * 1024)).toString('hex');
    const recorded: Fixture = { ...fixture, interactions: [{ scope: 'https://a.test:443', method: 'GET', path: '/b', status: 200, response: [bomb], rawHeaders: { 'content-encoding': 'gzip' } }] };
    expect(() => scrubFixture(recorded)).toThrow(/buffer|length|memory/i);
  });

  it('accepts a correctly scrubbed fixture ("Bearer [REDACTED]") and still flags a live bearer token', () => {
    expect(findSecrets(JSON.stringify({ h: 'Authorization: Bearer [REDACTED]', b: 'bearer [REDACTED]' }))).toEqual([]);
    expect(findSecrets('Authorization: Bearer abcdefghijklmnop')).toEqual(['key-like string']);
  });

  it('recordScenarios keeps a live gzip response that echoes the key, scrubbed', async () => {
    const server = createServer((_req, res) => res.writeHead(401, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync(JSON.stringify(body))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const fixtures = await recordScenarios([{ name: 'echo', scenario: 'a gzip error body echoing the key', run: () => fetch(url, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.text()) }], [key]);
      const text = JSON.stringify([...fixtures.values()]);
      expect(text).not.toContain(key);
      expect(text).toContain('[REDACTED]');
      expect(fixtures.get('echo')!.interactions[0]!.response).toMatchObject({ error: { message: expect.stringContaining('[REDACTED]') } });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
