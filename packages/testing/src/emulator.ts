/**
 * The provider emulator: a real HTTP server on 127.0.0.1 speaking Z.AI's and
 * Novita's wire formats, with fault injection and counters. Point an adapter's
 * `baseURL` at it and run an app, a test or a benchmark with no key and no network.
 *
 *   Z.AI    {url}/zai/api/paas/v4   images/generations, async/images/generations, async-result/{id}
 *   Novita  {url}/novita            v3/async/glm-image, v3/async/task-result?task_id=
 *   images  {url}/images/{taskId}-{index}.png   real PNGs of the requested size
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { paintPng, seededRandom } from '@pictor/mock';
import { createConcurrencyGate } from './emulator-concurrency.ts';

export type EmulatedProvider = 'zai' | 'novita';
export type EmulatedEndpoint = 'sync' | 'submit' | 'status' | 'image';

export interface EmulatorFault {
  readonly provider?: EmulatedProvider | undefined;
  readonly endpoint?: EmulatedEndpoint | undefined;
  /**
   * - http: answer `status` with the provider's error body (`code`: a Z.AI business code or a Novita reason)
   * - reset: destroy the connection without answering
   * - slow: answer normally after `delayMs`
   * - malformed: answer 200 with truncated JSON
   * - task_failed: accept the task, then end it FAIL/FAILED (`code` as the reason)
   * - never_finish: accept the task and keep it running forever
   * - empty: answer success with zero images
   */
  readonly type: 'http' | 'reset' | 'slow' | 'malformed' | 'task_failed' | 'never_finish' | 'empty';
  readonly status?: number | undefined;
  readonly code?: string | undefined;
  readonly message?: string | undefined;
  readonly retryAfterSeconds?: number | undefined;
  readonly delayMs?: number | undefined;
  /**
   * For http/reset/malformed on a submit: create the task before failing (an ambiguous outcome, as
   * when a provider times out after queuing). Default: true for 500/502/504, reset and malformed.
   */
  readonly afterAccept?: boolean | undefined;
  /** How many times it strikes (default: once; unlimited when `rate` is set). */
  readonly times?: number | undefined;
  /** Probability per matching request, 0..1, from the seeded generator. */
  readonly rate?: number | undefined;
  /** Only requests whose prompt contains this text. */
  readonly prompt?: string | undefined;
}

export interface EmulatorOptions {
  /** Default 0: a free port. Always bound to 127.0.0.1. */
  readonly port?: number | undefined;
  /** Added to every response, in ms. */
  readonly latencyMs?: number | undefined;
  /** How long a task runs: ms, per provider, or a function of (provider, prompt, index). Default 200. */
  readonly durations?: number | Partial<Record<EmulatedProvider, number>> | ((provider: EmulatedProvider, prompt: string, index: number) => number) | undefined;
  readonly faults?: readonly EmulatorFault[] | undefined;
  /** Seed of the generator behind `rate` faults (default 1). */
  readonly seed?: number | undefined;
  /** Accept only these keys (default: any non-empty bearer token). */
  readonly apiKeys?: readonly string[] | undefined;
  /** Image size served, overriding the requested one (benchmarks use a tiny one). */
  readonly imageSize?: { width: number; height: number } | undefined;
  /**
   * The clock tasks age by (status reads compare it with a task's duration). Tests pass a manual
   * clock to decide exactly when a task is done, instead of sleeping and hoping.
   * @default Date.now
   */
  readonly now?: (() => number) | undefined;
  /**
   * Tasks that may run at once; a submit beyond it is refused as Z.AI does (HTTP 429, code 1302).
   * @default unlimited
   */
  readonly maxConcurrentTasks?: number | undefined;
  /**
   * How long an idle keep-alive connection stays open. Benchmarks on a starved machine raise it: a
   * client reusing a socket the server is closing sees "other side closed", an unknown submit outcome.
   * @default 5000
   */
  readonly keepAliveTimeoutMs?: number | undefined;
}

export interface EmulatorTask {
  readonly id: string;
  readonly provider: EmulatedProvider;
  readonly prompt: string;
  readonly width: number;
  readonly height: number;
  readonly acceptedAt: number;
  readonly durationMs: number;
  readonly fate: 'ok' | 'failed' | 'empty';
  readonly reason?: string | undefined;
  /** When the first status read saw it finished (for latency measurements). */
  observedDoneAt?: number | undefined;
  statusReads: number;
}

export interface Emulator {
  readonly url: string;
  readonly zaiBaseURL: string;
  readonly novitaBaseURL: string;
  /** Requests per endpoint, e.g. 'zai.submit', 'novita.status', 'image'. */
  readonly counters: Readonly<Record<string, number>>;
  /** Submits received per prompt (accepted or not): more than one means something re-submitted. */
  readonly submitsByPrompt: ReadonlyMap<string, number>;
  /** Tasks created, by id. */
  readonly tasks: ReadonlyMap<string, EmulatorTask>;
  /**
   * A `providers.<id>` config section for a client pointed at this emulator: its base URL, a
   * placeholder key, and polling paced by the emulator's task duration rather than the real model's.
   */
  providerConfig(provider: EmulatedProvider): EmulatorProviderConfig;
  /** The most tasks running at once, and submits refused by `maxConcurrentTasks`. */
  readonly concurrency: { readonly maxObserved: number; readonly refused: number };
  /** Replaces the fault script (and re-arms `times`). */
  setFaults(faults: readonly EmulatorFault[]): void;
  /** Clears counters, tasks and faults' use counts. */
  reset(): void;
  close(): Promise<void>;
}

export interface EmulatorProviderConfig {
  readonly baseURL: string;
  readonly apiKey: string;
  readonly poll: { readonly typicalDurationMs: number };
}

const ZAI_PREFIX = '/zai/api/paas/v4/';
const NOVITA_PREFIX = '/novita/v3/async/';

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  let faults = [...(options.faults ?? [])];
  let used = faults.map(() => 0);
  const counters: Record<string, number> = {};
  const submitsByPrompt = new Map<string, number>();
  const tasks = new Map<string, EmulatorTask>();
  const random = seededRandom(options.seed ?? 1);
  const gate = createConcurrencyGate(options.maxConcurrentTasks);
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let nextId = 1n;
  let url = '';
  const now = options.now ?? Date.now;

  const durationFor = (provider: EmulatedProvider, prompt: string, index: number): number => {
    const d = options.durations;
    if (typeof d === 'function') return d(provider, prompt, index);
    if (typeof d === 'number') return d;
    return d?.[provider] ?? 200;
  };

  const pickFault = (provider: EmulatedProvider, endpoint: EmulatedEndpoint, prompt: string | undefined): EmulatorFault | undefined => {
    for (const [index, fault] of faults.entries()) {
      if (fault.provider && fault.provider !== provider) continue;
      if (fault.endpoint && fault.endpoint !== endpoint) continue;
      if (fault.prompt !== undefined && !(prompt ?? '').includes(fault.prompt)) continue;
      const limit = fault.times ?? (fault.rate !== undefined ? Infinity : 1);
      if ((used[index] as number) >= limit) continue;
      if (fault.rate !== undefined && random() >= fault.rate) continue;
      used[index] = (used[index] as number) + 1;
      return fault;
    }
    return undefined;
  };

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const count = (name: string) => {
    counters[name] = (counters[name] ?? 0) + 1;
  };

  const createTask = (provider: EmulatedProvider, body: Record<string, unknown>, fault: EmulatorFault | undefined): EmulatorTask => {
    const prompt = String(body.prompt ?? '');
    const [width, height] = String(body.size ?? (provider === 'zai' && body.model !== 'glm-image' ? '1024x1024' : '1280x1280'))
      .split('x')
      .map(Number);
    // Z.AI ids are 19-digit strings beyond 2^53; Novita's are UUID-like.
    const id = provider === 'zai' ? (8353992347972780031n + nextId++).toString() : `${crypto.randomUUID()}`;
    const task: EmulatorTask = {
      id,
      provider,
      prompt,
      width: width || 1280,
      height: height || 1280,
      acceptedAt: now(),
      durationMs: fault?.type === 'never_finish' ? Infinity : durationFor(provider, prompt, tasks.size),
      fate: fault?.type === 'task_failed' ? 'failed' : fault?.type === 'empty' ? 'empty' : 'ok',
      reason: fault?.type === 'task_failed' ? (fault.code ?? 'generation failed') : undefined,
      statusReads: 0,
    };
    tasks.set(id, task);
    gate.started(task.acceptedAt, task.durationMs);
    return task;
  };

  const imageUrl = (task: EmulatorTask) => `${url}/images/${task.id}-0.png`;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    const method = req.method ?? 'GET';
    if (options.latencyMs) await delay(options.latencyMs);

    if (method === 'GET' && path.startsWith('/images/')) {
      count('image');
      const match = /^\/images\/(.+)-(\d+)\.png$/.exec(path);
      const task = match ? tasks.get(match[1] as string) : undefined;
      if (!task) return send(res, 404, { error: 'no such image' });
      const size = options.imageSize ?? { width: task.width, height: task.height };
      const png = await paintPng(size.width, size.height, task.prompt, Number(match?.[2] ?? 0));
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.byteLength) });
      return void res.end(png);
    }

    const provider: EmulatedProvider | undefined = path.startsWith(ZAI_PREFIX) ? 'zai' : path.startsWith(NOVITA_PREFIX) ? 'novita' : undefined;
    if (!provider) return send(res, 404, { error: `emulator: no route ${method} ${path}` });
    const route = path.slice(provider === 'zai' ? ZAI_PREFIX.length : NOVITA_PREFIX.length);
    const endpoint: EmulatedEndpoint | undefined =
      provider === 'zai'
        ? method === 'POST' && route === 'images/generations'
          ? 'sync'
          : method === 'POST' && route === 'async/images/generations'
            ? 'submit'
            : method === 'GET' && route.startsWith('async-result/')
              ? 'status'
              : undefined
        : method === 'POST' && route === 'glm-image'
          ? 'submit'
          : method === 'GET' && route === 'task-result'
            ? 'status'
            : undefined;
    if (!endpoint) return send(res, 404, providerError(provider, 404, provider === 'zai' ? '1211' : 'API_NOT_FOUND', `emulator: no route ${method} ${path}`));
    count(`${provider}.${endpoint}`);

    const auth = req.headers.authorization ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim();
    if (!token || (options.apiKeys && !options.apiKeys.includes(token))) {
      await readBody(req);
      return send(res, 401, providerError(provider, 401, provider === 'zai' ? (token ? '1002' : '1001') : token ? 'INVALID_API_KEY' : 'MISSING_API_KEY', 'authentication failed'));
    }

    const body = endpoint === 'sync' || endpoint === 'submit' ? await readJson(req) : {};
    if (body === undefined) return send(res, 400, providerError(provider, 400, provider === 'zai' ? '1214' : 'INVALID_REQUEST_BODY', 'body is not JSON'));
    const prompt = typeof body.prompt === 'string' ? body.prompt : undefined;
    let taskForStatus: EmulatorTask | undefined;
    if (endpoint === 'status') {
      const id = provider === 'zai' ? decodeURIComponent(route.slice('async-result/'.length)) : (query.get('task_id') ?? '');
      taskForStatus = tasks.get(id);
    }
    if (endpoint === 'sync' || endpoint === 'submit') {
      if (prompt) submitsByPrompt.set(prompt, (submitsByPrompt.get(prompt) ?? 0) + 1);
      if (!prompt) return send(res, 400, providerError(provider, 400, provider === 'zai' ? '1213' : 'INVALID_REQUEST_BODY', 'prompt is required'));
    }

    if ((endpoint === 'sync' || endpoint === 'submit') && !gate.admit(Date.now())) {
      return send(res, 429, providerError(provider, 429, provider === 'zai' ? '1302' : 'RATE_LIMIT_EXCEEDED', 'too many tasks running at once'));
    }
    const fault = pickFault(provider, endpoint, prompt ?? taskForStatus?.prompt);
    const ambiguous = fault && (fault.afterAccept ?? (fault.type === 'reset' || fault.type === 'malformed' || [500, 502, 504].includes(fault.status ?? 0)));
    if (fault?.type === 'slow') await delay(fault.delayMs ?? 2000);
    if (fault && (fault.type === 'http' || fault.type === 'reset' || fault.type === 'malformed')) {
      if (endpoint === 'submit' && ambiguous) createTask(provider, body, undefined);
      if (endpoint === 'sync' && ambiguous) await delay(durationFor(provider, prompt ?? '', tasks.size));
      if (fault.type === 'reset') return void req.socket.destroy();
      if (fault.type === 'malformed') return sendRaw(res, 200, '{"task_status": "PROC');
      const status = fault.status ?? 503;
      const headers = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : undefined;
      return send(res, status, providerError(provider, status, fault.code, fault.message ?? `emulated HTTP ${status}`), headers);
    }

    if (provider === 'zai' && endpoint === 'sync') {
      const task = createTask('zai', body, fault);
      await delay(Number.isFinite(task.durationMs) ? task.durationMs : 24 * 3600_000);
      if (task.fate === 'failed') return send(res, 500, providerError('zai', 500, '500', task.reason ?? 'generation failed'));
      task.observedDoneAt = now();
      const data = task.fate === 'empty' ? [] : [{ url: imageUrl(task) }];
      return send(res, 200, { created: Math.floor(Date.now() / 1000), data, content_filter: [{ role: 'assistant', level: 3 }] }, { 'x-request-id': task.id });
    }
    if (endpoint === 'submit') {
      const task = createTask(provider, body, fault);
      return provider === 'zai'
        ? send(res, 200, { model: body.model, id: task.id, request_id: body.request_id ?? task.id, task_status: 'PROCESSING' })
        : send(res, 200, { task_id: task.id });
    }
    // status
    const task = taskForStatus;
    if (!task) return send(res, 404, providerError(provider, 404, provider === 'zai' ? '1214' : 'TASK_NOT_FOUND', 'task not found'));
    task.statusReads++;
    const elapsed = now() - task.acceptedAt;
    const done = elapsed >= task.durationMs;
    if (done && task.observedDoneAt === undefined) task.observedDoneAt = now();
    if (provider === 'zai') {
      if (!done) return send(res, 200, { model: 'glm-image', task_status: 'PROCESSING', request_id: task.id });
      if (task.fate === 'failed') return send(res, 200, { model: 'glm-image', task_status: 'FAIL', request_id: task.id, message: task.reason });
      return send(res, 200, { model: 'glm-image', task_status: 'SUCCESS', request_id: task.id, image_result: task.fate === 'empty' ? [] : [{ url: imageUrl(task) }] });
    }
    const remaining = Math.max(0, task.durationMs - elapsed);
    const status = !done ? 'TASK_STATUS_PROCESSING' : task.fate === 'failed' ? 'TASK_STATUS_FAILED' : 'TASK_STATUS_SUCCEED';
    return send(res, 200, {
      extra: { seed: '0' },
      task: {
        task_id: task.id,
        status,
        reason: done && task.fate === 'failed' ? (task.reason ?? '') : '',
        task_type: 'TXT_TO_IMG',
        // Novita reports whole seconds; the emulator keeps fractions so scaled-down runs stay meaningful.
        eta: done || !Number.isFinite(remaining) ? 0 : Math.round(remaining) / 1000,
        progress_percent: done ? 100 : Number.isFinite(task.durationMs) ? Math.floor((elapsed / task.durationMs) * 100) : 0,
      },
      images: done && task.fate === 'ok' ? [{ image_url: imageUrl(task), image_url_ttl: 3600, image_type: 'png', nsfw_detection_result: {} }] : [],
      videos: [],
      audios: [],
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String(error) });
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;

  return {
    url,
    zaiBaseURL: `${url}/zai/api/paas/v4`,
    novitaBaseURL: `${url}/novita`,
    counters,
    submitsByPrompt,
    tasks,
    providerConfig: (provider) => ({
      baseURL: provider === 'zai' ? `${url}/zai/api/paas/v4` : `${url}/novita`,
      apiKey: 'emulated-key',
      poll: { typicalDurationMs: Math.max(1, durationFor(provider, '', 0)) },
    }),
    concurrency: gate,
    setFaults(next) {
      faults = [...next];
      used = faults.map(() => 0);
    },
    reset() {
      for (const key of Object.keys(counters)) delete counters[key];
      submitsByPrompt.clear();
      tasks.clear();
      gate.reset();
      used = faults.map(() => 0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The status and business code (Z.AI) or reason (Novita) the emulator uses for each error kind. */
export const EMULATOR_ERROR_FAULTS: Readonly<Record<EmulatedProvider, Partial<Record<string, { status: number; code: string }>>>> = {
  zai: {
    invalid_request: { status: 400, code: '1214' },
    authentication: { status: 401, code: '1002' },
    permission: { status: 434, code: '1220' },
    insufficient_quota: { status: 429, code: '1113' },
    rate_limited: { status: 429, code: '1302' },
    content_filtered: { status: 400, code: '1301' },
    not_found: { status: 400, code: '1211' },
    provider_unavailable: { status: 503, code: '1234' },
  },
  novita: {
    invalid_request: { status: 400, code: 'INVALID_REQUEST_BODY' },
    authentication: { status: 403, code: 'INVALID_API_KEY' },
    permission: { status: 403, code: 'FEATURE_NOT_ALLOWED' },
    insufficient_quota: { status: 400, code: 'BILLING_BALANCE_NOT_ENOUGH' },
    rate_limited: { status: 429, code: 'RATE_LIMIT_EXCEEDED' },
    content_filtered: { status: 400, code: 'ILLEGAL_PROMPT' },
    not_found: { status: 404, code: 'API_NOT_FOUND' },
    provider_unavailable: { status: 503, code: 'SERVICE_UNAVAILABLE' },
  },
};

function providerError(provider: EmulatedProvider, status: number, code: string | undefined, message: string): unknown {
  if (provider === 'zai') return { error: { code: code ?? String(status), message } };
  return { code: status, reason: code ?? (status === 429 ? 'RATE_LIMIT_EXCEEDED' : status >= 500 ? 'SERVICE_UNAVAILABLE' : 'INVALID_REQUEST_BODY'), message, metadata: {} };
}

function send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  sendRaw(res, status, JSON.stringify(body), headers);
}

function sendRaw(res: ServerResponse, status: number, text: string, headers?: Record<string, string>): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > 1_000_000) break; // bounded: the emulator never buffers more than 1 MB
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await readBody(req));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
