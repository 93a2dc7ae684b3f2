/** `pictor wait <handle>`: resume a saved task without submitting again, then save its images. */
import type { PictorEvent } from 'pictor';
import { POLL_OPTIONS, pollOptionsOf } from '../args.ts';
import { clientFrom } from '../client.ts';
import { deliver } from '../deliver.ts';
import { readHandle } from '../handle-input.ts';
import { createProgress, progressMode } from '../progress.ts';
import type { Command } from './command.ts';

export const wait: Command = {
  usage: '<handle.json | ->',
  summary: 'resume a saved task and save its images',
  help: `pictor wait <handle.json | -> [--out file|dir] [--json [--full]] [--config file] [--timeout ms]
             [--poll eager|balanced|frugal | --poll-first ms] [--progress]
  Resumes polling a saved task (from a file, or - for stdin) without submitting again.`,
  options: POLL_OPTIONS,
  async run({ values, positionals, io, state }) {
    // Usage errors before anything is read.
    const poll = pollOptionsOf(values);
    const handle = await readHandle(positionals[0], io);
    state.handle = handle;
    const client = await clientFrom({ config: values.config, model: values.model ?? `${handle.provider}:${handle.model}` }, io);
    const progress = createProgress(io.stderr, progressMode(values.progress, io.stderr));
    const onEvent = (event: PictorEvent) => {
      state.listener(event);
      progress.listener(event);
    };
    try {
      const result = await client.wait(handle, { onEvent, signal: io.signal, poll });
      state.finished(result);
      progress.end();
      return await deliver(result, values, io);
    } finally {
      progress.end();
    }
  },
};
