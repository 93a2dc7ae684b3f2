/**
 * The CLI in process (main(argv, io)): usage, help and argument errors, which
 * need no real process. Process behaviour (signals, files, exit codes of the
 * real binary) is in cli.test.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closest } from '../src/args.ts';
import { COMMANDS, main } from '../src/main.ts';
import { shortenDataUrl } from '../src/output.ts';

async function cli(argv: string[], stdin?: AsyncIterable<string>) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, stdin });
  return { code, stdout, stderr };
}

describe('pictor usage and help', () => {
  it('has --help for every command in the table, and lists them all', async () => {
    for (const command of Object.keys(COMMANDS)) {
      const run = await cli([command, '--help']);
      expect(run.code, command).toBe(0);
      expect(run.stdout).toContain(`pictor ${command}`);
    }
    const usage = await cli(['--help']);
    expect(usage.stdout).toContain('Exit codes');
    expect(usage.stdout).toContain('12 local file error');
    for (const command of Object.keys(COMMANDS)) expect(usage.stdout).toContain(`pictor ${command} ${COMMANDS[command]!.usage}`);
    expect((await cli([])).code).toBe(2);
  });

  it('rejects bad usage with exit 2 and says what would be valid', async () => {
    expect(await cli(['paint'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "paint"') });
    expect((await cli(['genrate', 'x'])).stderr).toContain('Did you mean "generate"?');
    expect((await cli(['generate'])).stderr).toContain('a prompt is required');
    expect(await cli(['generate', 'x', '--szie', '1024x1024'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown option --szie; did you mean --size?') });
    expect((await cli(['generate', 'x', '--bogus'])).stderr).toBe('pictor: generate: unknown option --bogus (pictor generate --help)\n');
    expect((await cli(['generate', 'x', '--n', 'two'])).stderr).toContain('--n must be');
    expect((await cli(['generate', 'x', '--size', '1024x1024', '--aspect', '1:1'])).stderr).toContain('give --size or --aspect, not both');
    expect((await cli(['generate', 'x', '--timeout', '0'])).stderr).toContain('--timeout must be');
    expect(await cli(['generate', 'x', '--poll', 'eagre'])).toMatchObject({
      code: 2,
      stderr: 'pictor: --poll must be one of balanced, eager, frugal, got "eagre"; did you mean eager?\n',
    });
    expect((await cli(['generate', 'x', '--poll-first', 'soon'])).stderr).toContain('--poll-first must be a non-negative whole number');
    // Poll flags where nothing waits are refused rather than ignored.
    expect(await cli(['generate', 'x', '--no-wait', '--poll', 'eager', '--timeout', '5'])).toMatchObject({
      code: 2,
      stderr: 'pictor: generate: --no-wait prints the handle without waiting, so --timeout, --poll would do nothing: give them to `pictor wait` instead\n',
    });
    expect(await cli(['status', 'handle.json', '--poll', 'eager'])).toMatchObject({ code: 2, stderr: expect.stringContaining('status: unknown option --poll') });
    expect(await cli(['sizes', 'glm-image', '--timeout', '5'])).toMatchObject({ code: 2, stderr: expect.stringContaining('sizes: unknown option --timeout') });
    // A preset tunes the learned plan that --poll-first replaces: both at once is refused, in wait too.
    for (const command of [['generate', 'x'], ['wait', 'handle.json']]) {
      expect(await cli([...command, '--poll', 'eager', '--poll-first', '0'])).toMatchObject({
        code: 2,
        stderr: 'pictor: --poll eager and --poll-first 0 cannot be combined: --poll-first replaces the preset\'s learned plan with a fixed cadence. Give --poll balanced|eager|frugal or --poll-first ms, not both (--timeout goes with either)\n',
      });
    }
    expect((await cli(['wait', 'missing.json'])).stderr).toContain('cannot read handle file');
    expect((await cli(['wait'])).stderr).toContain('a handle file is required');
    expect((await cli(['sizes'])).stderr).toContain('a model is required');
  });

  it('a size error from `pictor sizes` does not point at itself; an unknown model points at `pictor models`', async () => {
    const invalid = await cli(['sizes', 'glm-image', '1000x1000']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).not.toContain('pictor sizes <model>');
    expect((await cli(['sizes', 'dall-e'])).stderr).toBe('pictor: invalid_request: unknown model "dall-e" — see `pictor models`\n');
  });
});

describe('handles from outside', () => {
  it('refuses a handle file or stdin larger than a handle could be, without reading it whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pictor-main-'));
    try {
      await writeFile(join(dir, 'big.json'), 'x'.repeat(2 * 1024 * 1024));
      const file = await cli(['wait', join(dir, 'big.json')]);
      expect(file).toMatchObject({ code: 2, stderr: expect.stringContaining('larger than 1048576 bytes: not a handle') });
      expect((await cli(['status', dir])).stderr).toContain('not a regular file');
      async function* endless() {
        for (;;) yield 'y'.repeat(64 * 1024);
      }
      expect((await cli(['status', '-'], endless())).stderr).toContain('the task handle in stdin is larger than');
      expect((await cli(['status', '-'])).stderr).toContain('no stdin to read the handle from');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('helpers', () => {
  it('closest suggests only near misses, counting a swap as one edit', () => {
    expect(closest('szie', ['size', 'aspect'])).toBe('size');
    expect(closest('qualty', ['quality', 'n'])).toBe('quality');
    expect(closest('colour', ['size', 'aspect'])).toBeUndefined();
  });

  it('shortenDataUrl keeps http URLs and short data: URLs whole', () => {
    expect(shortenDataUrl('https://x.test/a.png')).toBe('https://x.test/a.png');
    expect(shortenDataUrl('data:image/png;base64,AAAA')).toBe('data:image/png;base64,AAAA');
    const long = `data:image/png;base64,${'A'.repeat(5000)}`;
    expect(shortenDataUrl(long)).toBe(`${long.slice(0, 48)}…(${long.length} chars; --full prints it whole)`);
  });
});
