/** `pictor status <handle>`: one status read, printed as JSON. */
import { clientFrom } from '../client.ts';
import { readHandle } from '../handle-input.ts';
import { toJsonOutput } from '../output.ts';
import type { Command } from './command.ts';

export const status: Command = {
  usage: '<handle.json | ->',
  summary: "read a task's status once",
  help: `pictor status <handle.json | -> [--config file] [--full]
  One status read; prints {state, progress, etaMs, result?, error?} as JSON
  (data: URLs shortened unless --full).`,
  async run({ values, positionals, io, state }) {
    const handle = await readHandle(positionals[0], io);
    state.handle = handle;
    const client = await clientFrom({ config: values.config, model: values.model ?? `${handle.provider}:${handle.model}` }, io);
    const { result, error, ...rest } = await client.status(handle, { signal: io.signal });
    const shown = { ...rest, ...(result ? { result } : {}), ...(error ? { error: error.toJSON() } : {}) };
    io.stdout.write(`${toJsonOutput(shown, values.full ?? false)}\n`);
    return 0;
  },
};
