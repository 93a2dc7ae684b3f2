/**
 * The `pictor` command, on the library's public API only. `main` takes argv and
 * an IO object and returns the exit code, so it is testable in process; bin.ts
 * wires it to the real process.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  PictorError,
  createImageClient,
  defaultClientConfig,
  describeRule,
  formatSize,
  isPictorError,
  nearestValidSizes,
  parseSize,
  parseTaskHandle,
  serializeTaskHandle,
  toPictorError,
  validateSize,
  builtInProviders,
  type ClientConfig,
  type ImageClient,
  type ImageRequest,
  type ImageResult,
  type ModelSpec,
  type TaskHandle,
} from 'pictor';
import { loadClientConfig, saveImage, saveResult } from 'pictor/node';
import { EXIT_CODES, HINTS } from './exit-codes.ts';
import { createProgress } from './progress.ts';

export interface CliIO {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean | undefined };
  readonly stdin?: AsyncIterable<string | Uint8Array> | undefined;
  /** Aborted on Ctrl-C by bin.ts. */
  readonly signal?: AbortSignal | undefined;
}

const USAGE = `pictor — image generation across providers

Usage:
  pictor generate <prompt> [options]   generate and save images (default: ./out/)
  pictor wait <handle.json | ->        resume a saved task and save its images
  pictor status <handle.json | ->      read a task's status once
  pictor models                        providers and models: modes, sizes, qualities, price
  pictor sizes <model> [WxH]           a model's size rule; with a size, whether it is valid

Run \`pictor <command> --help\` for a command's options.
With no API key set (ZAI_API_KEY, NOVITA_API_KEY) and no --config, the mock provider is used.

Exit codes: 0 ok · 1 unexpected · 2 invalid input or usage · 3 authentication/permission ·
4 insufficient quota · 5 rate limited · 6 content filtered · 7 not found ·
8 provider unavailable/network · 9 timeout · 10 task failed · 11 invalid response · 130 interrupted`;

const COMMON = {
  config: { type: 'string' },
  model: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
  progress: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

const HELP: Record<string, string> = {
  generate: `pictor generate <prompt> [options]
  --model provider:model   e.g. zai:glm-image, novita:glm-image, mock:cogview-4-250304
  --size WxH | --aspect W:H
  --quality q              hd | standard (per model)
  --n k                    images (models return at most their per-call maximum)
  --out file|dir           where to save (default ./out/)
  --config file            JSON config: { model, fallbacks, providers }
  --json                   print the normalised result as JSON instead of paths
  --no-wait                print the task handle as JSON and exit (resume with pictor wait)
  --timeout ms             give up waiting after ms (the handle is printed to resume)
  --progress               print status lines even when stderr is not a terminal`,
  wait: `pictor wait <handle.json | -> [--out file|dir] [--json] [--config file] [--timeout ms] [--progress]
  Resumes polling a saved task (from a file, or - for stdin) without submitting again.`,
  status: `pictor status <handle.json | -> [--config file]
  One status read; prints {state, progress, etaMs, ...} as JSON.`,
  models: `pictor models [--config file] [--json]
  Lists providers and models with modes, size rules, qualities and price.`,
  sizes: `pictor sizes <model> [WxH] [--json]
  <model> is 'model' or 'provider:model'. Prints the rule and presets; given a size, says
  whether it is valid and the nearest valid sizes (exit 2 when invalid).`,
};

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'worker' || command === 'enqueue' || command === 'job') {
      // Loaded on demand: other commands never load BullMQ (see @pictor/queue's cli.ts).
      const queueCli = await import('@pictor/queue').catch((error: Error) => {
        throw new PictorError({ kind: 'invalid_request', retryable: false, message: `pictor ${command} needs @pictor/queue (npm install @pictor/queue bullmq ioredis): ${error.message}` });
      });
      return await queueCli.runQueueCommand(command, rest, io);
    }
    switch (command) {
      case 'generate':
        return await generate(rest, io);
      case 'wait':
        return await waitCommand(rest, io);
      case 'status':
        return await statusCommand(rest, io);
      case 'models':
        return await models(rest, io);
      case 'sizes':
        return await sizes(rest, io);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout.write(`${USAGE}\n`);
        return command === undefined ? EXIT_CODES.usage : 0;
      default:
        io.stderr.write(`pictor: unknown command "${command}". Commands: generate, wait, status, models, sizes (pictor --help)\n`);
        return EXIT_CODES.usage;
    }
  } catch (error) {
    return report(error, io);
  }
}

function parse<const Extra extends NonNullable<ParseArgsConfig['options']>>(command: string, args: readonly string[], extra: Extra = {} as Extra) {
  try {
    const options = { ...COMMON, ...extra };
    return parseArgs({ args: [...args], options, allowPositionals: true, allowNegative: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

class UsageError extends Error {}

async function clientFrom(values: { config?: string | undefined; model?: string | undefined }, io: CliIO): Promise<ImageClient> {
  let config: ClientConfig;
  if (values.config) {
    config = await loadClientConfig(values.config);
  } else {
    const defaults = defaultClientConfig();
    config = defaults.config;
    const wantsReal = values.model !== undefined && !values.model.startsWith('mock:');
    if (defaults.usesMock && !wantsReal) {
      io.stderr.write('pictor: no ZAI_API_KEY or NOVITA_API_KEY set: using the mock provider (images are drawn locally)\n');
    }
  }
  if (values.model) {
    const model = values.model.includes(':') ? values.model : `${config.model.split(':')[0]}:${values.model}`;
    config = { ...config, model, fallbacks: (config.fallbacks ?? []).filter((f) => f !== model) };
  }
  return createImageClient(config);
}

function timeoutOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0) throw new UsageError(`--timeout must be a positive whole number of milliseconds, got "${value}"`);
  return ms;
}

function progressMode(values: { progress?: boolean | undefined }, io: CliIO): 'tty' | 'lines' | 'off' {
  if (io.stderr.isTTY) return 'tty';
  return values.progress ? 'lines' : 'off';
}

async function generate(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse('generate', args, {
    size: { type: 'string' },
    aspect: { type: 'string' },
    quality: { type: 'string' },
    n: { type: 'string' },
    wait: { type: 'boolean', default: true },
  });
  if (values.help) return help('generate', io);
  const prompt = positionals.join(' ').trim();
  if (!prompt) throw new UsageError('generate: a prompt is required, e.g. pictor generate "a red fox in snow"');
  if (values.size && values.aspect) throw new UsageError('generate: give --size or --aspect, not both');
  const n = values.n === undefined ? undefined : Number(values.n);
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new UsageError(`generate: --n must be a positive whole number, got "${values.n}"`);
  const request: ImageRequest = {
    prompt,
    ...(values.size ? { size: values.size } : {}),
    ...(values.aspect ? { aspectRatio: values.aspect } : {}),
    ...(values.quality ? { quality: values.quality } : {}),
    ...(n !== undefined ? { n } : {}),
  };
  const client = await clientFrom(values, io);
  const progress = createProgress(io.stderr, progressMode(values, io));
  const options = { onEvent: progress.listener, signal: io.signal, poll: { timeoutMs: timeoutOf(values.timeout) } };
  if (!values.wait) {
    const handle = await client.submit(request, options);
    progress.end();
    io.stdout.write(`${serializeTaskHandle(handle)}\n`);
    return 0;
  }
  try {
    const result = await client.generate(request, options);
    progress.end();
    return await deliver(result, values, io);
  } catch (error) {
    progress.end();
    throw error;
  }
}

async function readHandle(source: string | undefined, io: CliIO): Promise<TaskHandle> {
  if (!source) throw new UsageError('a handle file is required (or - to read it from stdin)');
  let text: string;
  if (source === '-') {
    if (!io.stdin) throw new UsageError('no stdin to read the handle from');
    text = '';
    for await (const chunk of io.stdin) text += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
  } else {
    try {
      text = await readFile(source, 'utf8');
    } catch (error) {
      throw new PictorError({ kind: 'invalid_request', retryable: false, message: `cannot read handle file ${source}: ${(error as Error).message}` });
    }
  }
  return parseTaskHandle(text);
}

async function waitCommand(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse('wait', args);
  if (values.help) return help('wait', io);
  const handle = await readHandle(positionals[0], io);
  const client = await clientFrom({ config: values.config, model: values.model ?? `${handle.provider}:${handle.model}` }, io);
  const progress = createProgress(io.stderr, progressMode(values, io));
  try {
    const result = await client.wait(handle, { onEvent: progress.listener, signal: io.signal, poll: { timeoutMs: timeoutOf(values.timeout) } });
    progress.end();
    return await deliver(result, values, io);
  } catch (error) {
    progress.end();
    throw error;
  }
}

async function statusCommand(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse('status', args);
  if (values.help) return help('status', io);
  const handle = await readHandle(positionals[0], io);
  const client = await clientFrom({ config: values.config, model: values.model ?? `${handle.provider}:${handle.model}` }, io);
  const status = await client.status(handle, { signal: io.signal });
  const { result, error, ...rest } = status;
  io.stdout.write(`${JSON.stringify({ ...rest, ...(result ? { result } : {}), ...(error ? { error: error.toJSON() } : {}) }, null, 2)}\n`);
  return 0;
}

async function deliver(result: ImageResult, values: { out?: string | undefined; json?: boolean | undefined }, io: CliIO): Promise<number> {
  const out = values.out ?? 'out/';
  const isFile = extname(out) !== '' && !out.endsWith('/');
  const saved =
    isFile && result.images.length === 1
      ? [await saveImage(result.images[0]!, out, { signal: io.signal })]
      : isFile
        ? await Promise.all(result.images.map((image, i) => saveImage(image, out.replace(/(\.[^.]+)$/, `-${i + 1}$1`), { signal: io.signal })))
        : await saveResult(result, out, { signal: io.signal });
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ ...result, files: saved.map((s) => s.path) }, null, 2)}\n`);
  } else {
    for (const file of saved) io.stdout.write(`${file.path}\n`);
  }
  for (const warning of result.warnings) io.stderr.write(`pictor: warning: ${warning.message}\n`);
  return 0;
}

async function models(args: readonly string[], io: CliIO): Promise<number> {
  const { values } = parse('models', args);
  if (values.help) return help('models', io);
  const table = Object.entries(builtInProviders).flatMap(([id, registration]) => {
    const create = typeof registration === 'function' ? registration : registration.create;
    // Built without a key on purpose: listing models makes no request (keys are checked at call time).
    const provider = create({});
    return Object.values(provider.models).map((spec) => ({ model: `${id}:${spec.id}`, spec }));
  });
  if (values.json) {
    io.stdout.write(`${JSON.stringify(table.map(({ model, spec }) => ({ model, ...spec })), null, 2)}\n`);
    return 0;
  }
  for (const { model, spec } of table) {
    io.stdout.write(`${model}\n${describeModel(spec)}\n\n`);
  }
  return 0;
}

function describeModel(spec: ModelSpec): string {
  return [
    `  modes      ${spec.modes.join(', ')} (default ${spec.defaultMode})`,
    `  qualities  ${spec.qualities.join(', ')} (default ${spec.defaultQuality})`,
    `  sizes      ${describeRule(spec.sizes)}; default ${spec.sizes.default}`,
    `  price      ${spec.pricePerImageUsd === undefined ? 'not published' : `$${spec.pricePerImageUsd} per image`}`,
  ].join('\n');
}

async function sizes(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse('sizes', args);
  if (values.help) return help('sizes', io);
  const [name, size] = positionals;
  if (!name) throw new UsageError('sizes: a model is required, e.g. pictor sizes glm-image 1000x1000');
  const [providerId, modelId] = name.includes(':') ? (name.split(':') as [string, string]) : [undefined, name];
  const specs = Object.entries(builtInProviders).flatMap(([id, registration]) => {
    if (providerId && providerId !== id) return [];
    const create = typeof registration === 'function' ? registration : registration.create;
    const spec = create({}).models[modelId];
    return spec ? [spec] : [];
  });
  const spec = specs[0];
  if (!spec) throw new PictorError({ kind: 'invalid_request', retryable: false, message: `unknown model "${name}"; see pictor models` });
  if (size === undefined) {
    io.stdout.write(values.json ? `${JSON.stringify(spec.sizes, null, 2)}\n` : `${spec.id}: ${describeRule(spec.sizes)}; default ${spec.sizes.default}\n`);
    return 0;
  }
  try {
    const valid = validateSize(size, spec.sizes, spec.id);
    io.stdout.write(values.json ? `${JSON.stringify({ size: formatSize(valid), valid: true })}\n` : `${formatSize(valid)} is valid for ${spec.id}\n`);
    return 0;
  } catch (error) {
    const pictorError = toPictorError(error);
    if (values.json) {
      let nearest: string[] = [];
      try {
        nearest = nearestValidSizes(parseSize(size), spec.sizes).map(formatSize);
      } catch {
        // unparsable size: no nearest sizes to offer
      }
      io.stdout.write(`${JSON.stringify({ size, valid: false, reason: pictorError.message, nearest })}\n`);
      return EXIT_CODES.invalid_request;
    }
    throw pictorError;
  }
}

function help(command: string, io: CliIO): number {
  io.stdout.write(`${HELP[command]}\n`);
  return 0;
}

function report(error: unknown, io: CliIO): number {
  if (error instanceof UsageError) {
    io.stderr.write(`pictor: ${error.message}\n`);
    return EXIT_CODES.usage;
  }
  const pictorError = isPictorError(error) ? error : toPictorError(error);
  const hint = HINTS[pictorError.kind];
  io.stderr.write(`pictor: ${pictorError.kind}: ${pictorError.message}${hint ? ` — ${hint}` : ''}\n`);
  if (pictorError.handle) {
    // Nothing is lost: the accepted task can be resumed.
    io.stdout.write(`${serializeTaskHandle(pictorError.handle)}\n`);
    io.stderr.write('pictor: the task handle was printed on stdout; save it and run `pictor wait <file>` to resume\n');
  }
  return isPictorError(error) || pictorError.kind !== 'invalid_response' ? EXIT_CODES[pictorError.kind] : EXIT_CODES.unexpected;
}

