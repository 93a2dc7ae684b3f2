/**
 * The shape of a `pictor` command. main.ts parses the arguments (the common
 * options plus the command's own), answers --help, and reports errors; a command
 * only does its work. Register a new one with one line in commands/index.ts.
 */
import type { CallState } from '../call-state.ts';
import type { COMMON_OPTIONS, Options } from '../args.ts';
import type { CliIO } from '../io.ts';

/** Parsed values: the common options' types plus loosely typed extras. */
export type CommandValues = { [K in keyof typeof COMMON_OPTIONS]?: (typeof COMMON_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string } & Record<
  string,
  string | boolean | (string | boolean)[] | undefined
>;

export interface CommandContext {
  readonly values: CommandValues;
  readonly positionals: readonly string[];
  readonly io: CliIO;
  /** What is known of the task so far; read by the error report. */
  readonly state: CallState;
}

export interface Command {
  /** Arguments after the command name, e.g. '<prompt> [options]' (for `pictor --help`). */
  readonly usage: string;
  /** One line for `pictor --help`. */
  readonly summary: string;
  /** The full text of `pictor <command> --help`. */
  readonly help: string;
  /** Options beyond the common ones (args.ts). */
  readonly options?: Options | undefined;
  run(context: CommandContext): Promise<number>;
}

/** A string option's value (parseArgs types extras loosely). */
export function stringOption(values: CommandValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
