import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** The committed bin, run as `pnpm install` links it: plain node, no build, no flags. */
const BIN = new URL('../bin/pictor-emulator.js', import.meta.url).pathname;

function run(args: string[], onLine?: (text: string, kill: () => void) => void) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    onLine?.(out, () => child.kill('SIGTERM'));
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

describe('pictor-emulator', () => {
  it('starts on 127.0.0.1, serves, and stops cleanly on SIGTERM', async () => {
    let answered = 0;
    const result = await run(['--port', '0', '--duration', '10'], (text, kill) => {
      const url = /Z\.AI baseURL:\s+(\S+)/.exec(text)?.[1];
      if (!url || answered) return;
      answered = 1;
      void fetch(`${url}/images/generations`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: '{"prompt":"x"}' })
        .then((r) => (answered = r.status))
        .finally(kill);
    });
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/Pictor emulator on http:\/\/127\.0\.0\.1:\d+/);
    const config = JSON.parse(/client config:\s+(.+)/.exec(result.out)?.[1] ?? '{}') as { providers: Record<string, { poll: unknown }> };
    expect(config.providers.zai?.poll).toEqual({ typicalDurationMs: 10 });
    expect(answered).toBe(200);
  });

  it('prints usage, and refuses bad numbers', async () => {
    expect((await run(['--help'])).out).toContain('usage: pictor-emulator');
    const bad = await run(['--latency', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--latency must be a non-negative number');
  });
});
