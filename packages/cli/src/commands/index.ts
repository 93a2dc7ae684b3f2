/**
 * The command table: `pictor <name>` runs COMMANDS[name]. A new command is one
 * module in this folder and one line here.
 */
import type { Command } from './command.ts';
import { generate } from './generate.ts';
import { models } from './models.ts';
import { sizes } from './sizes.ts';
import { status } from './status.ts';
import { wait } from './wait.ts';

export const COMMANDS: Readonly<Record<string, Command>> = {
  generate,
  wait,
  status,
  models,
  sizes,
};

export type { Command, CommandContext } from './command.ts';
