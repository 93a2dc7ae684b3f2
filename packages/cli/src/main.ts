/**
 * The `pictor` command, on the library's public API only. `main` takes argv and
 * an IO object and returns the exit code, so it is testable in process; bin.ts
 * wires it to the real process. Each command lives in commands/ and is listed in
 * the table there; this file parses, dispatches and reports.
 */
import { parseCommandArgs, closest } from './args.ts';
import { CallState } from './call-state.ts';
import { COMMANDS } from './commands/index.ts';
import type { CommandValues } from './commands/command.ts';
import { EXIT_CODES } from './exit-codes.ts';
import type { CliIO } from './io.ts';
import { QUEUE_USAGE, isQueueCommand, runQueueCommand } from './queue-commands.ts';
import { report } from './report.ts';

export type { CliIO } from './io.ts';
export { COMMANDS, type Command, type CommandContext } from './commands/index.ts';

function usage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((name) => `pictor ${name} ${COMMANDS[name]!.usage}`.length)) + 2;
  const lines = names.map((name) => `  ${`pictor ${name} ${COMMANDS[name]!.usage}`.padEnd(width)} ${COMMANDS[name]!.summary}`);
  const queue = Object.entries(QUEUE_USAGE).map(([name, text]) => `  pictor ${name} ${text}`);
  return `pictor — image generation across providers

Usage:
${lines.join('\n')}

Durable queue (BullMQ + Redis):
${queue.join('\n')}

Run \`pictor <command> --help\` for a command's options.
With no API key set (ZAI_API_KEY, NOVITA_API_KEY) and no --config, the mock provider is used.

Exit codes: 0 ok · 1 unexpected · 2 invalid input or usage · 3 authentication/permission ·
4 insufficient quota · 5 rate limited · 6 content filtered · 7 not found ·
8 provider unavailable/network · 9 timeout · 10 task failed · 11 invalid response ·
12 local file error (the task's handle and images are printed) · 130 interrupted`;
}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage()}\n`);
    return name === undefined ? EXIT_CODES.usage : 0;
  }
  if (isQueueCommand(name)) {
    try {
      return await runQueueCommand(name, args, io);
    } catch (error) {
      return report(error, io, new CallState(), { command: name, full: false });
    }
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const suggestion = closest(name, [...Object.keys(COMMANDS), ...Object.keys(QUEUE_USAGE)]);
    io.stderr.write(
      `pictor: unknown command "${name}".${suggestion ? ` Did you mean "${suggestion}"?` : ''} Commands: ${Object.keys(COMMANDS).join(', ')} (pictor --help)\n`,
    );
    return EXIT_CODES.usage;
  }
  const state = new CallState();
  let full = false;
  try {
    const { values, positionals } = parseCommandArgs(name, args, command.options ?? {});
    const commandValues = values as CommandValues;
    full = commandValues.full === true;
    if (commandValues.help) {
      io.stdout.write(`${command.help}\n`);
      return 0;
    }
    return await command.run({ values: commandValues, positionals, io, state });
  } catch (error) {
    return report(error, io, state, { command: name, full });
  }
}
