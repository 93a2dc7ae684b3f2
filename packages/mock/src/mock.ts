/**
 * The mock provider: the whole ImageProvider contract in process, with no key and
 * no network. It declares the same models and size rules as the real GLM-Image
 * and CogView-4 (so a request that works here is valid there), paints real PNGs,
 * and can be scripted: latency, queue time, progress and eta, and faults of every
 * error kind (fail N times then succeed, hang until aborted, failed tasks, empty
 * successes). Every call is logged for assertions.
 */
import {
  ERROR_KINDS,
  PictorError,
  notFound,
  taskFailed,
  type ErrorKind,
  type ImageProvider,
  type ModelSpec,
  type SubmitOutcome,
} from '@pictor/core';
import {
  GLM_MODEL_RULES,
  createProvider,
  parseFactoryOptions,
  sleep,
  type AdapterStatus,
  type PreparedRequest,
  type ProviderAdapter,
  type ProviderDefaults,
} from '@pictor/core/adapter';
import { z } from 'zod';
import { paintPng } from './paint.ts';
import { toBase64 } from './png.ts';
import type { ScriptedTask } from './scripted-task.ts';

export type MockStage = 'submit' | 'status';

/** A deliberate difference from the real model's spec. */
export type MockModelOverride = z.infer<typeof modelOverrideSchema>;
export type MockModelOverrides = NonNullable<MockOptions['models']>;

export interface MockCall {
  readonly method: 'generateSync' | 'submitAsync' | 'readStatus';
  readonly model: string;
  readonly prompt?: string | undefined;
  readonly taskId?: string | undefined;
  readonly at: number;
  /** 'ok', or the fault's error kind, 'hang', or 'failed' / 'empty' for a task fault. */
  readonly outcome: string;
}

export interface MockProvider extends ImageProvider {
  /** Every call the provider received, oldest first. */
  readonly calls: readonly MockCall[];
  /** Tasks accepted so far (async submits that succeeded). */
  readonly acceptedTasks: number;
  /** Forgets calls and tasks, and re-arms the faults. */
  reset(): void;
}

const stage = z.enum(['submit', 'status']);
const times = z.number().int().positive().optional();
/** Only for prompts containing this text (default: every prompt). */
const promptFilter = z.string().optional();

/** One scripted fault. Faults are consumed in order of declaration, each `times` times (default 1). */
const faultSchema = z.union([
  z
    .object({
      /** Where it strikes: 'submit' covers the sync call and the async submit. */
      on: stage,
      /** The kind of the PictorError thrown. */
      error: z.enum(ERROR_KINDS),
      /**
       * How many calls it strikes.
       * @default 1
       */
      times,
      /**
       * Retry-After carried by the error, in ms.
       * @default undefined (none)
       */
      retryAfterMs: z.number().min(0).optional(),
      /**
       * What the failed submit says about the task.
       * @default 'not_created' (undefined on status reads)
       */
      submitOutcome: z.enum(['not_created', 'unknown']).optional(),
      /**
       * The error's message.
       * @default "mock: scripted <kind> on <method>"
       */
      message: z.string().optional(),
      /**
       * Only for prompts containing this text.
       * @default undefined (every prompt)
       */
      prompt: promptFilter,
    })
    .strict(),
  /** The call hangs until aborted. */
  z.object({ on: stage, hang: z.literal(true), times, prompt: promptFilter }).strict(),
  z
    .object({
      /** The task is accepted, then ends FAILED (or with zero images when `empty`). */
      on: z.literal('task'),
      /**
       * The failure reason.
       * @default "generation failed"
       */
      fail: z.string().optional(),
      /**
       * End with zero images instead of failing.
       * @default undefined (fail)
       */
      empty: z.literal(true).optional(),
      times,
      prompt: promptFilter,
    })
    .strict(),
]);

export type MockFault = z.input<typeof faultSchema>;

const mockModelIdSchema = z.enum(['glm-image', 'cogview-4-250304']);

const modelOverrideSchema = z
  .object({
    maxImagesPerCall: z.number().int().positive().optional(),
    maxPromptLength: z.number().int().positive().optional(),
    pricePerImageUsd: z.number().min(0).optional(),
    qualities: z.array(z.string().min(1)).min(1).optional(),
    modes: z.array(z.enum(['sync', 'async'])).min(1).optional(),
    supports: z.object({ seed: z.boolean().optional(), watermark: z.boolean().optional(), userId: z.boolean().optional() }).strict().optional(),
  })
  .strict();

/** createMock's options as a schema (also used for the `providers.mock` section of a client config). */
export const mockOptionsSchema = z
  .object({
    /**
     * Delay of every call (submit, sync generation, status read) in ms.
     * @default 0
     */
    latencyMs: z.number().min(0).optional(),
    /**
     * Time an async task spends queued, in ms.
     * @default 0
     */
    queueMs: z.number().min(0).optional(),
    /**
     * Time an async task spends running, in ms.
     * @default 300
     */
    durationMs: z.number().min(0).optional(),
    /**
     * Report eta and progress on status reads (like Novita).
     * @default true
     */
    reportEta: z.boolean().optional(),
    /**
     * Scripted faults, consumed in order.
     * @default [] (every call succeeds)
     */
    faults: z.array(faultSchema).readonly().optional(),
    /**
     * Provider id, for registering several mocks side by side (failover tests).
     * @default 'mock'
     */
    id: z.string().min(1).optional(),
    /**
     * Request defaults applied by createProvider (see ProviderDefaults).
     * @default {}
     */
    defaults: z.custom<ProviderDefaults>().pipe(z.looseObject({})).optional(),
    /**
     * Deliberate differences from the real models, per model (e.g. `{ 'glm-image': { maxImagesPerCall: 4,
     * supports: { seed: true } } }`). Code tested with an override may be refused in production.
     * @default {} (the real models' specs)
     */
    models: z.partialRecord(mockModelIdSchema, modelOverrideSchema).optional(),
  })
  .strict();

export type MockOptions = z.input<typeof mockOptionsSchema>;

export const mockProviderOptionsSchema = z
  .object({
    /** Override the painted colours' seed without changing the request's seed. */
    variant: z.number().int().min(0).optional(),
  })
  .strict();

export type MockProviderOptions = z.infer<typeof mockProviderOptionsSchema>;

/** The models the mock serves. */
export type MockModelId = z.infer<typeof mockModelIdSchema>;

/**
 * The mock's models by default: the same rules as Z.AI's glm-image and cogview-4 (core's
 * GLM_MODEL_RULES: sizes, qualities, modes, n, prompt length, URL lifetime, what is supported), so
 * code that works on the mock works in production: `mock:glm-image` refuses n=2 and warns on seed
 * exactly as `zai:glm-image` does (packages/pictor/test/mock-spec.test.ts pins the two together).
 * Two fields are the mock's own: `typicalDurationMs` follows the mock's scripted duration, and the
 * price is 0, published: the mock bills nothing, and a result's cost says what was paid (price the
 * mock like production with the client config's `prices`).
 */
function mockModels(durationMs: number, overrides: MockModelOverrides = {}): Record<MockModelId, ModelSpec> {
  const own = { pricePerImageUsd: 0, typicalDurationMs: Math.max(1, durationMs) };
  const specs: Record<MockModelId, ModelSpec> = {
    'glm-image': { ...GLM_MODEL_RULES['glm-image'], ...own },
    'cogview-4-250304': { ...GLM_MODEL_RULES['cogview-4-250304'], ...own },
  };
  for (const [id, override] of Object.entries(overrides) as [MockModelId, MockModelOverride][]) {
    const base = specs[id];
    specs[id] = { ...base, ...override, id, supports: { ...base.supports, ...override.supports } };
  }
  return specs;
}

interface MockTask extends ScriptedTask {
  readonly seed: number;
  readonly n: number;
}

export function createMock(input: MockOptions = {}): MockProvider {
  const options = parseFactoryOptions(mockOptionsSchema, input, 'mock');
  const id = options.id ?? 'mock';
  const { latencyMs = 0, queueMs = 0, durationMs = 300, reportEta = true } = options;
  const faults = mockFaults(options.faults ?? []);
  const takeFault = faults.take;
  const calls: MockCall[] = [];
  // Tasks are encoded in their ids, so any mock instance (in any process) can resume a saved handle.
  let accepted = 0;
  let nextTask = 1;

  const adapter: ProviderAdapter<MockProviderOptions> = {
    id,
    models: mockModels(durationMs, options.models),
    providerOptionsSchema: mockProviderOptionsSchema,

    async generateSync(request, { signal }) {
      const call = { method: 'generateSync' as const, model: request.model, prompt: request.prompt };
      await sleep(latencyMs, signal);
      await strike(id, calls, takeFault('submit', request.prompt), call, signal);
      await sleep(durationMs, signal);
      const taskFault = takeFault('task', request.prompt);
      const fate = fateOf(taskFault);
      calls.push({ ...call, at: Date.now(), outcome: fate });
      if (fate === 'empty') return { images: [], raw: { data: [] } };
      if (fate === 'failed') throw taskFailed(`mock: ${(taskFault?.on === 'task' ? taskFault.fail : undefined) ?? 'generation failed'}`, { provider: id });
      const images = await imagesFor({ ...taskOf(request, seedOf(request)), acceptedAt: Date.now(), fate: 'ok' });
      return { images, requestId: `mock-req-${nextTask++}`, createdAt: new Date().toISOString(), raw: { mock: true } };
    },

    async submitAsync(request, { signal }) {
      const call = { method: 'submitAsync' as const, model: request.model, prompt: request.prompt };
      await sleep(latencyMs, signal);
      await strike(id, calls, takeFault('submit', request.prompt), call, signal);
      const taskFault = takeFault('task', request.prompt);
      const taskId = encodeTask({
        ...taskOf(request, seedOf(request)),
        acceptedAt: Date.now(),
        fate: fateOf(taskFault),
        reason: taskFault?.on === 'task' ? taskFault.fail : undefined,
      });
      accepted++;
      calls.push({ ...call, taskId, at: Date.now(), outcome: 'ok' });
      return { taskId, raw: { task_id: taskId } };
    },

    async readStatus(handle, { signal }): Promise<AdapterStatus> {
      const task = decodeTask(handle.taskId);
      const call = { method: 'readStatus' as const, model: handle.model, prompt: task?.prompt, taskId: handle.taskId };
      await sleep(latencyMs, signal);
      await strike(id, calls, takeFault('status', task?.prompt), call, signal);
      calls.push({ ...call, at: Date.now(), outcome: 'ok' });
      if (!task) {
        throw notFound(`mock: no task ${handle.taskId} (not an id this mock issued)`, { provider: id, status: 404 });
      }
      const pending = pendingStatus(Date.now() - task.acceptedAt, queueMs, durationMs, reportEta);
      if (pending) return pending;
      return finishedStatus(task, id);
    },
  };

  const provider = createProvider(adapter, options.defaults);
  return {
    ...provider,
    get calls() {
      return calls;
    },
    get acceptedTasks() {
      return accepted;
    },
    reset() {
      calls.length = 0;
      accepted = 0;
      faults.rearm();
    },
  };
}

/** The fault script: the first armed fault matching the stage and prompt, each used `times` times. */
function mockFaults(faults: readonly MockFault[]) {
  let used = faults.map(() => 0);
  return {
    take(on: MockFault['on'], prompt: string | undefined): MockFault | undefined {
      for (const [index, fault] of faults.entries()) {
        if (fault.on !== on) continue;
        if (fault.prompt !== undefined && !(prompt ?? '').includes(fault.prompt)) continue;
        if ((used[index] as number) >= (fault.times ?? 1)) continue;
        used[index] = (used[index] as number) + 1;
        return fault;
      }
      return undefined;
    },
    rearm(): void {
      used = faults.map(() => 0);
    },
  };
}

/** Applies a submit or status fault: logs the call, then hangs or throws the scripted error. */
async function strike(
  id: string,
  calls: MockCall[],
  fault: MockFault | undefined,
  call: Omit<MockCall, 'at' | 'outcome'>,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!fault || fault.on === 'task') return;
  if ('hang' in fault) {
    calls.push({ ...call, at: Date.now(), outcome: 'hang' });
    // Hangs until the caller aborts; the bounded sleep keeps a forgotten test from running forever.
    await sleep(24 * 3600_000, signal);
    throw new PictorError({ kind: 'timeout', provider: id, message: 'mock: hung call gave up after 24 h' });
  }
  calls.push({ ...call, at: Date.now(), outcome: fault.error });
  throw new PictorError({
    kind: fault.error,
    provider: id,
    status: statusFor(fault.error),
    retryAfterMs: fault.retryAfterMs,
    submitOutcome: fault.submitOutcome ?? (call.method === 'readStatus' ? undefined : 'not_created'),
    message: fault.message ?? `mock: scripted ${fault.error} on ${call.method}`,
  });
}

/** A task's status once its time is up: failed, or succeeded with its images (none when empty). */
async function finishedStatus(task: MockTask, provider: string): Promise<AdapterStatus> {
  if (task.fate === 'failed') {
    return {
      state: 'failed',
      error: taskFailed(`mock: ${task.reason ?? 'generation failed'}`, { provider }),
      raw: { status: 'FAILED', reason: task.reason },
    };
  }
  const images = task.fate === 'empty' ? [] : await imagesFor(task);
  return { state: 'succeeded', output: { images, createdAt: new Date().toISOString(), raw: { status: 'SUCCEED' } }, raw: { status: 'SUCCEED' } };
}

/** What a task fault makes of a task (no fault: 'ok'). */
function fateOf(fault: MockFault | undefined): MockTask['fate'] {
  if (fault?.on !== 'task') return 'ok';
  return fault.empty ? 'empty' : 'failed';
}

/** The painted colours' seed: the request's seed, moved by the `variant` provider option. */
function seedOf(request: PreparedRequest<MockProviderOptions>): number {
  return (request.seed ?? 0) + (request.providerOptions.variant ?? 0);
}

async function imagesFor(task: MockTask) {
  const images = [];
  for (let i = 0; i < task.n; i++) {
    const png = await paintPng(task.width, task.height, task.prompt, task.seed + i);
    images.push({ url: `data:image/png;base64,${toBase64(png)}`, mediaType: 'image/png' });
  }
  return images;
}

/** A task's status while it is queued or running (undefined once its time is up). */
function pendingStatus(elapsed: number, queueMs: number, durationMs: number, reportEta: boolean): AdapterStatus | undefined {
  if (elapsed < queueMs) {
    return { state: 'queued', etaMs: reportEta ? queueMs + durationMs - elapsed : undefined, progress: reportEta ? 0 : undefined, raw: { status: 'QUEUED' } };
  }
  if (elapsed < queueMs + durationMs) {
    const running = elapsed - queueMs;
    return {
      state: 'running',
      etaMs: reportEta ? durationMs - running : undefined,
      progress: reportEta ? Math.floor((running / durationMs) * 100) : undefined,
      raw: { status: 'PROCESSING' },
    };
  }
  return undefined;
}

const TASK_PREFIX = 'mock-';

function encodeTask(task: MockTask): string {
  const json = JSON.stringify(task);
  return TASK_PREFIX + btoa(String.fromCharCode(...new TextEncoder().encode(json))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeTask(taskId: string): MockTask | undefined {
  if (!taskId.startsWith(TASK_PREFIX)) return undefined;
  try {
    const base64 = taskId.slice(TASK_PREFIX.length).replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const task = JSON.parse(json) as MockTask;
    return typeof task.prompt === 'string' && Number.isInteger(task.width) && Number.isInteger(task.height) ? task : undefined;
  } catch {
    return undefined;
  }
}

function taskOf(request: { prompt: string; size: { width: number; height: number }; n: number }, seed: number) {
  return { prompt: request.prompt, seed, width: request.size.width, height: request.size.height, n: request.n };
}

function statusFor(kind: ErrorKind): number | undefined {
  const statuses: Partial<Record<ErrorKind, number>> = {
    invalid_request: 400,
    authentication: 401,
    permission: 403,
    insufficient_quota: 429,
    rate_limited: 429,
    content_filtered: 400,
    not_found: 404,
    provider_unavailable: 503,
  };
  return statuses[kind];
}
