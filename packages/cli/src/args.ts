/**
 * Argument parsing shared by every command: the common options, strict flags
 * with a "did you mean" for a misspelled one, and the numeric option parsers.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { POLL_PRESETS, type PollOptions } from 'pictor';
import { UsageError } from './io.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  config: { type: 'string' },
  model: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
  full: { type: 'boolean', default: false },
  progress: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Options;

/**
 * Options of the commands that wait for a task (generate, wait) only: elsewhere they would be
 * accepted and silently do nothing, so `pictor status h.json --poll eager` is an unknown option.
 */
export const POLL_OPTIONS = {
  timeout: { type: 'string' },
  poll: { type: 'string' },
  'poll-first': { type: 'string' },
} as const satisfies Options;

export function parseCommandArgs<const Extra extends Options>(command: string, args: readonly string[], extra: Extra) {
  const options = { ...COMMON_OPTIONS, ...extra };
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, allowNegative: true, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const flag = /option '(-[^']*)'/.exec((error as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
      const suggestion = closest(flag.replace(/^-+/, ''), Object.keys(options));
      throw new UsageError(`${command}: unknown option ${flag}${suggestion ? `; did you mean --${suggestion}?` : ''} (pictor ${command} --help)`);
    }
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

/** The candidate nearest to `word` by edit distance, if it is near enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(word.toLowerCase(), name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/** Edit distance counting a swap of two neighbours as one edit (the commonest typo: --szie). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/** A positive whole number of milliseconds (`--timeout`, `--poll-first`), or undefined when absent. */
export function millisecondsOf(flag: string, value: string | undefined, { allowZero = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < (allowZero ? 0 : 1) || ms > 2_147_483_647) {
    throw new UsageError(`--${flag} must be a ${allowZero ? 'non-negative' : 'positive'} whole number of milliseconds, got "${value}"`);
  }
  return ms;
}

/** The settings that select core's fixed cadence over the learned plan (core's `usesFixedPlan`), unset. */
const FIXED_CADENCE_OFF = {
  firstDelayMs: undefined,
  firstDelayRatio: undefined,
  intervalMs: undefined,
  intervalRatio: undefined,
  factor: undefined,
} as const satisfies PollOptions;

/**
 * `--poll <preset>`, `--poll-first <ms>` and `--timeout <ms>` as the library's poll options.
 * A preset tunes the learned plan, and `--poll-first` replaces that plan with a fixed cadence
 * (core's `usesFixedPlan`), so giving both would silently drop the preset: a usage error instead.
 * `--timeout` bounds either plan. The command line wins over the config file: a preset also
 * switches off the fixed-cadence settings a config's `providers.<id>.poll` may hold, which would
 * otherwise replace the learned plan the preset tunes.
 */
export function pollOptionsOf(parsed: Readonly<Record<string, unknown>>): PollOptions {
  const presets: Readonly<Record<string, PollOptions>> = POLL_PRESETS;
  const text = (name: keyof typeof POLL_OPTIONS) => (typeof parsed[name] === 'string' ? parsed[name] : undefined);
  const values = { poll: text('poll'), 'poll-first': text('poll-first'), timeout: text('timeout') };
  if (values.poll !== undefined && values['poll-first'] !== undefined) {
    throw new UsageError(
      `--poll ${values.poll} and --poll-first ${values['poll-first']} cannot be combined: --poll-first replaces the preset's learned plan with a fixed cadence. Give --poll ${Object.keys(presets).join('|')} or --poll-first ms, not both (--timeout goes with either)`,
    );
  }
  let preset: PollOptions = {};
  if (values.poll !== undefined) {
    const found = Object.hasOwn(presets, values.poll) ? presets[values.poll] : undefined;
    if (!found) {
      const suggestion = closest(values.poll, Object.keys(presets));
      throw new UsageError(`--poll must be one of ${Object.keys(presets).join(', ')}, got "${values.poll}"${suggestion ? `; did you mean ${suggestion}?` : ''}`);
    }
    preset = { ...FIXED_CADENCE_OFF, ...found };
  }
  const firstDelayMs = millisecondsOf('poll-first', values['poll-first'], { allowZero: true });
  const timeoutMs = millisecondsOf('timeout', values.timeout);
  return { ...preset, ...(firstDelayMs !== undefined ? { firstDelayMs } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}
