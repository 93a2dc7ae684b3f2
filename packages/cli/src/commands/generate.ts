/** `pictor generate <prompt>`: submit, wait and save (or, with --no-wait, print the handle). */
import { serializeTaskHandle, type ImageRequest, type PictorEvent } from 'pictor';
import { POLL_OPTIONS, pollOptionsOf } from '../args.ts';
import { clientFrom } from '../client.ts';
import { deliver } from '../deliver.ts';
import { UsageError } from '../io.ts';
import { createProgress, progressMode } from '../progress.ts';
import { stringOption, type Command, type CommandValues } from './command.ts';

export const generate: Command = {
  usage: '<prompt> [options]',
  summary: 'generate and save images (default: ./out/)',
  help: `pictor generate <prompt> [options]
  --model provider:model   e.g. zai:glm-image, novita:glm-image, mock:cogview-4-250304
  --size WxH | --aspect W:H
  --quality q              hd | standard (per model)
  --n k                    images (models return at most their per-call maximum)
  --out file|dir           where to save (default ./out/)
  --config file            JSON config: { model, fallbacks, providers }
  --json                   print the normalised result as JSON instead of paths
  --full                   with --json, print data: URLs whole (default: shortened)
  --no-wait                print the task handle as JSON and exit (resume with pictor wait; not with
                           --poll, --poll-first or --timeout)
  --poll preset            eager | balanced (default) | frugal: how often to read the status
  --poll-first ms          wait ms before the first status read, then a fixed cadence (default: the
                           learned plan, from the durations of this model's earlier tasks); not with --poll
  --timeout ms             give up waiting after ms (the handle is printed to resume)
  --progress               print status lines even when stderr is not a terminal`,
  options: {
    ...POLL_OPTIONS,
    size: { type: 'string' },
    aspect: { type: 'string' },
    quality: { type: 'string' },
    n: { type: 'string' },
    wait: { type: 'boolean', default: true },
  },
  async run({ values, positionals, io, state }) {
    const request = requestOf(values, positionals);
    const poll = pollOptionsOf(values);
    const pollFlags = Object.keys(POLL_OPTIONS).filter((flag) => values[flag] !== undefined);
    if (values.wait === false && pollFlags.length > 0) {
      throw new UsageError(`generate: --no-wait prints the handle without waiting, so ${pollFlags.map((f) => `--${f}`).join(', ')} would do nothing: give them to \`pictor wait\` instead`);
    }
    const client = await clientFrom(values, io);
    const progress = createProgress(io.stderr, progressMode(values.progress, io.stderr));
    const onEvent = (event: PictorEvent) => {
      state.listener(event);
      progress.listener(event);
    };
    const options = { onEvent, signal: io.signal, poll };
    state.startSubmit();
    try {
      if (values.wait === false) {
        const handle = await client.submit(request, options);
        progress.end();
        io.stdout.write(`${serializeTaskHandle(handle)}\n`);
        return 0;
      }
      const result = await client.generate(request, options);
      state.finished(result);
      progress.end();
      return await deliver(result, values, io);
    } finally {
      progress.end();
    }
  },
};

function requestOf(values: CommandValues, positionals: readonly string[]): ImageRequest {
  const prompt = positionals.join(' ').trim();
  if (!prompt) throw new UsageError('generate: a prompt is required, e.g. pictor generate "a red fox in snow"');
  const size = stringOption(values, 'size');
  const aspect = stringOption(values, 'aspect');
  const quality = stringOption(values, 'quality');
  const count = stringOption(values, 'n');
  if (size && aspect) throw new UsageError('generate: give --size or --aspect, not both');
  const n = count === undefined ? undefined : Number(count);
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new UsageError(`generate: --n must be a positive whole number, got "${count}"`);
  return {
    prompt,
    ...(size ? { size } : {}),
    ...(aspect ? { aspectRatio: aspect } : {}),
    ...(quality ? { quality } : {}),
    ...(n !== undefined ? { n } : {}),
  };
}
