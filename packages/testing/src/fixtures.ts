/**
 * Provider traffic as fixtures, replayed with nock.
 *
 * One JSON file per scenario:
 * {
 *   "scenario": "what this file shows",
 *   "source": "documented" | "observed" | "recorded" | "emulator",
 *   "sourceDetail": "where it came from, in words",
 *   "sourceUrl": "the page, repository file or issue it came from (required for observed)",
 *   "interactions": [ nock recorder objects: { scope, method, path, body?, status, response?, rawHeaders? } ]
 * }
 * Say what a fixture is (FIXTURE_SOURCES). `interactions` is what
 * `nock.recorder.rec({ output_objects: true })` produces, so a live recording drops in unchanged.
 * Replay forbids any request that is not in the file (and any other host).
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { z } from 'zod';
import { REDACTED, redactSecrets, redactValue } from '@pictor/core/adapter';
import { decodeRecordedBody } from './recorded-body.ts';

const HeaderList = z.union([z.array(z.string()), z.record(z.string(), z.string())]);

export const InteractionSchema = z.looseObject({
  scope: z.string().url(),
  method: z.string().min(1),
  path: z.string().startsWith('/'),
  /** Fields the request body must contain (a subset match; see ignoreBodyKeys). */
  body: z.unknown().optional(),
  status: z.number().int().min(100).max(599),
  /** JSON value, or a string sent verbatim (malformed bodies are fixtures too). */
  response: z.unknown().optional(),
  rawHeaders: HeaderList.optional(),
  /** Drop the connection instead of answering (code such as ECONNRESET). */
  errorCode: z.string().optional(),
  /** Answer this many matching requests (default 1). */
  times: z.number().int().positive().optional(),
  /** Set by nock's recorder when `response` is hex (binary); recorded bodies are decoded before saving. */
  responseIsBinary: z.boolean().optional(),
});

/**
 * What a fixture is:
 * - documented: written by hand from the provider's documentation;
 * - observed: a response shape quoted in public code or an issue (an SDK's test fixture, a bug report
 *   with a logged body), with its values replaced by our own; `sourceUrl` says where;
 * - recorded: recorded from the provider's live API by `record()`;
 * - emulator: recorded from the local emulator (this package's `startEmulator`), not from the provider.
 */
export const FIXTURE_SOURCES = ['documented', 'observed', 'recorded', 'emulator'] as const;

export const FixtureSchema = z
  .object({
    scenario: z.string().min(1),
    source: z.enum(FIXTURE_SOURCES),
    sourceDetail: z.string().min(1),
    /** Where the shape was seen (a docs page, a repository file, an issue). Required for `observed`. */
    sourceUrl: z.url({ protocol: /^https$/ }).optional(),
    interactions: z.array(InteractionSchema),
  })
  .refine((f) => f.source !== 'observed' || f.sourceUrl !== undefined, {
    path: ['sourceUrl'],
    message: 'an observed fixture must cite where its shape was seen (sourceUrl)',
  });

export type Interaction = z.infer<typeof InteractionSchema>;
export type Fixture = z.infer<typeof FixtureSchema>;

export function parseFixture(input: unknown, name = 'fixture'): Fixture {
  const parsed = FixtureSchema.safeParse(input);
  if (!parsed.success) {
    throw new TypeError(`${name} is not a valid Pictor fixture: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** Reads and validates a fixture file (path or file: URL). */
export function loadFixture(file: string | URL): Fixture {
  return parseFixture(JSON.parse(readFileSync(file, 'utf8')), String(file));
}

export interface ReplayOptions {
  /** Replace every interaction's origin (e.g. replay api.z.ai traffic against open.bigmodel.cn). */
  readonly scope?: string | undefined;
  /** Body keys not compared (values that differ per run). Default: request_id. */
  readonly ignoreBodyKeys?: readonly string[] | undefined;
}

export interface Replay {
  /** Throws if some interaction of the fixture was not requested. */
  done(): void;
  /** Interactions not requested yet. */
  pending(): string[];
  /** Requests made, in order, as 'METHOD path'. */
  readonly requests: string[];
}

/**
 * Installs a fixture's interactions. While any replay is active, real network
 * access is disabled except loopback, so an unmatched request fails loudly
 * (nock answers it with an error) instead of reaching a provider.
 */
export function replay(fixture: Fixture, options: ReplayOptions = {}): Replay {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  const ignore = new Set(options.ignoreBodyKeys ?? ['request_id']);
  const requests: string[] = [];
  const scopes = fixture.interactions.map((interaction) => {
    const origin = options.scope ?? interaction.scope;
    const matcher = (body: unknown) => interaction.body === undefined || isSubset(interaction.body, body, ignore);
    const intercept = nock(origin)
      .intercept(interaction.path, interaction.method.toUpperCase(), matcher as never)
      .times(interaction.times ?? 1);
    const record = () => requests.push(`${interaction.method.toUpperCase()} ${interaction.path}`);
    if (interaction.errorCode) {
      const failing = intercept.replyWithError(Object.assign(new Error(`fixture: ${interaction.errorCode}`), { code: interaction.errorCode }));
      failing.on('request', record);
      return failing;
    }
    const headers = headerObject(interaction.rawHeaders);
    if (interaction.response !== undefined && typeof interaction.response !== 'string' && !hasHeader(headers, 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    const body = typeof interaction.response === 'string' ? interaction.response : interaction.response === undefined ? '' : JSON.stringify(interaction.response);
    const scope = intercept.reply(interaction.status, body, headers);
    scope.on('request', record);
    return scope;
  });
  return {
    requests,
    pending: () => scopes.flatMap((s) => s.pendingMocks()),
    done: () => {
      for (const scope of scopes) scope.done();
    },
  };
}

/** Removes every interceptor and restores network access (call in afterEach). */
export function resetReplay(): void {
  nock.cleanAll();
  nock.enableNetConnect();
}

function headerObject(raw: Interaction['rawHeaders']): Record<string, string> {
  if (!raw) return {};
  if (!Array.isArray(raw)) return { ...raw };
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) out[(raw[i] as string).toLowerCase()] = raw[i + 1] as string;
  return out;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

function isSubset(expected: unknown, actual: unknown, ignore: ReadonlySet<string>): boolean {
  if (expected === null || typeof expected !== 'object') return Object.is(expected, actual);
  if (actual === null || typeof actual !== 'object') return false;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => isSubset(e, actual[i], ignore));
  }
  return Object.entries(expected).every(
    ([key, value]) => ignore.has(key) || isSubset(value, (actual as Record<string, unknown>)[key], ignore),
  );
}

// ---------------------------------------------------------------------------------------------
// Recording

export interface RecordOptions {
  readonly scenario: string;
  /** Secrets to remove wherever they appear (the API key at least). */
  readonly secrets: readonly string[];
  /**
   * What is being recorded: the provider's live API ('recorded') or the local emulator ('emulator').
   * @default 'emulator' when every request went to 127.0.0.1 or localhost, else 'recorded'
   */
  readonly source?: 'recorded' | 'emulator' | undefined;
}

export interface Recording {
  /** Stops recording and returns the scrubbed fixture. */
  stop(): Fixture;
}

/** Starts capturing live traffic in nock's recorder format. */
export function record(options: RecordOptions): Recording {
  nock.restore();
  nock.recorder.clear();
  nock.activate();
  nock.recorder.rec({ output_objects: true, dont_print: true, enable_reqheaders_recording: false });
  return {
    stop: () => {
      const interactions = nock.recorder.play() as Interaction[];
      nock.restore();
      nock.recorder.clear();
      nock.activate();
      const source = options.source ?? (interactions.length > 0 && interactions.every((i) => isLoopback(i.scope)) ? 'emulator' : 'recorded');
      const day = new Date().toISOString().slice(0, 10);
      return scrubFixture(
        {
          scenario: options.scenario,
          source,
          sourceDetail:
            source === 'emulator'
              ? `recorded from the local emulator (${interactions[0]?.scope ?? 'loopback'}) on ${day} by @pictor/testing record(), not from the provider`
              : `recorded from the live API on ${day} by @pictor/testing record()`,
          interactions,
        },
        options.secrets,
      );
    },
  };
}

function isLoopback(scope: string): boolean {
  try {
    return /^(127\.0\.0\.1|localhost|\[::1\])$/.test(new URL(scope).hostname);
  } catch {
    return false;
  }
}

/**
 * Removes credentials from a fixture: authorization headers, cookies, the given
 * secrets anywhere, and anything key-like (see redactSecrets in core).
 */
export function scrubFixture(fixture: Fixture, secrets: readonly string[] = []): Fixture {
  const interactions = fixture.interactions.map((interaction) => {
    const headers = headerObject(interaction.rawHeaders);
    for (const name of Object.keys(headers)) {
      if (/^(authorization|cookie|set-cookie|x-api-key)$/i.test(name)) delete headers[name];
    }
    // A gzip or binary body is hex in nock's output: decoded first, or the key inside goes unseen.
    return redactValue({ ...decodeRecordedBody(interaction, headers), rawHeaders: headers }, secrets);
  });
  return { ...fixture, interactions };
}

/** Finds key-like strings in any JSON text (used by the CI check over committed fixtures). */
export function findSecrets(text: string, secrets: readonly string[] = []): string[] {
  const found = secrets.filter((s) => s && text.includes(s));
  // What the scrubber already wrote ("Bearer [REDACTED]") is not a key: fold it before the scan.
  const probe = text.replace(/(\bbearer\s+)?\[REDACTED\]/gi, REDACTED);
  if (redactSecrets(probe) !== probe) found.push('key-like string');
  return found;
}

// ---------------------------------------------------------------------------------------------
// Maintainer recording runs

export interface LiveScenario {
  /** File name without extension. */
  readonly name: string;
  readonly scenario: string;
  /** Drives the live API; errors are expected for error scenarios and are recorded too. */
  run(): Promise<unknown>;
}

/**
 * Runs each scenario against the live API, recording and scrubbing its traffic,
 * and returns the fixtures (the caller writes them). Used by `pnpm fixtures:record`.
 */
export async function recordScenarios(scenarios: readonly LiveScenario[], secrets: readonly string[]): Promise<Map<string, Fixture>> {
  const out = new Map<string, Fixture>();
  for (const scenario of scenarios) {
    const recording = record({ scenario: scenario.scenario, secrets });
    try {
      await scenario.run();
    } catch {
      // Error scenarios end in an error by design; the traffic is what matters.
    }
    const fixture = recording.stop();
    const leaks = findSecrets(JSON.stringify(fixture), secrets);
    if (leaks.length > 0) throw new Error(`refusing to write ${scenario.name}: it still holds ${leaks.join(', ')}`);
    out.set(scenario.name, fixture);
  }
  return out;
}
