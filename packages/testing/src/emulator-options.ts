/**
 * The emulator's options and fault script as zod schemas; EmulatorOptions and EmulatorFault are
 * derived from them, and startEmulator / setFaults parse with them, so a misspelt option or fault
 * field is refused with the field's name instead of silently ignored.
 */
import { z } from 'zod';

export const EmulatedProviderSchema = z.enum(['zai', 'novita']);
export const EmulatedEndpointSchema = z.enum(['sync', 'submit', 'status', 'image']);
export type EmulatedProvider = z.infer<typeof EmulatedProviderSchema>;
export type EmulatedEndpoint = z.infer<typeof EmulatedEndpointSchema>;

export const EmulatorFaultSchema = z
  .object({
    /**
     * Only requests to this provider.
     * @default both
     */
    provider: EmulatedProviderSchema.optional(),
    /**
     * Only requests to this endpoint.
     * @default every endpoint
     */
    endpoint: EmulatedEndpointSchema.optional(),
    /**
     * - http: answer `status` with the provider's error body (`code`: a Z.AI business code or a Novita reason)
     * - reset: destroy the connection without answering
     * - slow: answer normally after `delayMs`
     * - malformed: answer 200 with truncated JSON
     * - task_failed: accept the task, then end it FAIL/FAILED (`code` as the reason)
     * - never_finish: accept the task and keep it running forever
     * - empty: answer success with zero images
     */
    type: z.enum(['http', 'reset', 'slow', 'malformed', 'task_failed', 'never_finish', 'empty']),
    /** HTTP status of an `http` fault. @default 503 */
    status: z.number().int().min(100).max(599).optional(),
    /** A Z.AI business code or a Novita reason in the error body. @default the route's code for the status */
    code: z.string().optional(),
    /** The error body's message. @default "emulated HTTP <status>" */
    message: z.string().optional(),
    /** Retry-After sent with the answer, in seconds. @default undefined (none) */
    retryAfterSeconds: z.number().min(0).optional(),
    /** How long a `slow` answer waits, in ms. @default 2000 */
    delayMs: z.number().min(0).optional(),
    /**
     * For http/reset/malformed on a submit: create the task before failing (an ambiguous outcome, as
     * when a provider times out after queuing).
     * @default true for 500/502/504, reset and malformed
     */
    afterAccept: z.boolean().optional(),
    /** How many times it strikes. @default 1 (unlimited when `rate` is set) */
    times: z.number().int().min(0).optional(),
    /** Probability per matching request, 0..1, from the seeded generator. @default undefined (every match) */
    rate: z.number().min(0).max(1).optional(),
    /** Only requests whose prompt contains this text. @default undefined (every prompt) */
    prompt: z.string().optional(),
  })
  .strict()
  .readonly();

export type EmulatorFault = z.input<typeof EmulatorFaultSchema>;

/** A fault script: faults in order of declaration. */
export const EmulatorFaultsSchema = z.array(EmulatorFaultSchema).readonly();

type DurationFunction = (provider: EmulatedProvider, prompt: string, index: number) => number;
const isFunction = (v: unknown) => typeof v === 'function';

export const EmulatorOptionsSchema = z
  .object({
    /** The port, always bound to 127.0.0.1. @default 0 (a free port) */
    port: z.number().int().min(0).max(65_535).optional(),
    /** Added to every response, in ms. @default 0 */
    latencyMs: z.number().min(0).optional(),
    /** How long a task runs: ms, per provider, or a function of (provider, prompt, index). @default 200 */
    durations: z
      .union([z.number().min(0), z.partialRecord(EmulatedProviderSchema, z.number().min(0)), z.custom<DurationFunction>(isFunction)])
      .optional(),
    /** The fault script. @default [] (no faults) */
    faults: EmulatorFaultsSchema.optional(),
    /** Seed of the generator behind `rate` faults. @default 1 */
    seed: z.number().optional(),
    /** Accept only these keys. @default any non-empty bearer token */
    apiKeys: z.array(z.string()).readonly().optional(),
    /** Image size served, overriding the requested one (benchmarks use a tiny one). @default the requested size */
    imageSize: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).strict().optional(),
    /**
     * The clock tasks age by (status reads compare it with a task's duration). Tests pass a manual
     * clock to decide exactly when a task is done, instead of sleeping and hoping.
     * @default Date.now
     */
    now: z.custom<() => number>(isFunction).optional(),
    /**
     * Tasks that may run at once; a submit beyond it is refused as Z.AI does (HTTP 429, code 1302).
     * @default unlimited
     */
    maxConcurrentTasks: z.number().int().positive().optional(),
    /**
     * How long an idle keep-alive connection stays open. Benchmarks on a starved machine raise it: a
     * client reusing a socket the server is closing sees "other side closed", an unknown submit outcome.
     * @default 5000
     */
    keepAliveTimeoutMs: z.number().min(0).optional(),
  })
  .strict();

export type EmulatorOptions = z.input<typeof EmulatorOptionsSchema>;
