/**
 * The deliberate bugs `pnpm mutate` plants, one at a time, to prove the tests notice (issue 13).
 * The only place to edit after a merge: when a `find` no longer occurs exactly once in its file,
 * `pnpm mutate` reports it as stale and fails; update the text (or the file) here.
 *
 * Each mutation is one line's worth of change to a core behaviour. `projects` are the vitest
 * projects run against it; `tests` (optional) narrows them to the test files that should catch it,
 * so a run takes seconds, not the whole suite.
 */
export interface Mutation {
  /** Short, unique, kebab-case: what the bug does. */
  readonly name: string;
  /** Path from the repository root. */
  readonly file: string;
  /** Exact text that must occur exactly once in `file`. */
  readonly find: string;
  readonly replace: string;
  /** vitest project names (vitest.workspace.ts). */
  readonly projects: readonly string[];
  /** Test files to run, relative to their project's root (e.g. "test/zai.test.ts"); default: the projects' whole suites. */
  readonly tests?: readonly string[] | undefined;
}

export const MUTATIONS: readonly Mutation[] = [
  // Business-code mapping
  {
    name: 'zai-1113-maps-to-permission',
    file: 'packages/zai/src/errors.ts',
    find: 'if (n === 1113) {',
    replace: 'if (n === 1113 && false) {',
    projects: ['zai'],
    tests: ['test/zai.test.ts', 'test/observed.test.ts'],
  },
  {
    name: 'zai-rate-limit-not-retryable',
    file: 'packages/zai/src/errors.ts',
    find: "if (RETRYABLE_RATE_LIMITS.has(code)) return refused('rate_limited', code, { retryable: true });",
    replace: "if (RETRYABLE_RATE_LIMITS.has(code)) return refused('rate_limited', code);",
    projects: ['zai'],
    tests: ['test/zai.test.ts'],
  },
  {
    name: 'zai-status-beats-business-code',
    file: 'packages/zai/src/errors.ts',
    find: 'const byCode = code ? mapZaiCode(code) : undefined;',
    replace: 'const byCode = undefined as ReturnType<typeof mapZaiCode>;',
    projects: ['zai'],
    tests: ['test/zai.test.ts', 'test/observed.test.ts'],
  },
  {
    name: 'novita-reason-ignored',
    file: 'packages/novita/src/errors.ts',
    find: 'if (byReason) return { ...byReason, message: byReason.message ?? message };',
    replace: 'if (byReason && false) return { ...byReason, message: byReason.message ?? message };',
    projects: ['novita'],
    tests: ['test/novita.test.ts'],
  },
  {
    name: 'novita-create-task-failed-ambiguous',
    file: 'packages/novita/src/errors.ts',
    find: "CREATE_TASK_FAILED: { kind: 'provider_unavailable', retryable: true, submitOutcome: 'not_created' },",
    replace: "CREATE_TASK_FAILED: { kind: 'provider_unavailable', retryable: true, submitOutcome: 'unknown' },",
    projects: ['novita'],
    tests: ['test/novita.test.ts'],
  },
  // Never pay twice: outcomes, retries, failover
  {
    name: 'http-503-treated-as-ambiguous',
    file: 'packages/core/src/http.ts',
    find: "if (status === 503) return 'not_created';",
    replace: "if (status === 503) return 'unknown';",
    projects: ['zai'],
    tests: ['test/zai.test.ts'],
  },
  {
    name: 'http-5xx-treated-as-refused',
    file: 'packages/core/src/http.ts',
    find: "if (status >= 400 && status < 500 && status !== 408) return 'not_created';",
    replace: "if (status >= 400 && status < 600 && status !== 408) return 'not_created';",
    projects: ['zai'],
    tests: ['test/zai.test.ts', 'test/observed.test.ts'],
  },
  {
    name: 'retry-ambiguous-submits',
    file: 'packages/core/src/retry.ts',
    find: "if (stage === 'submit') return error.submitOutcome === 'not_created';",
    replace: "if (stage === 'submit') return true;",
    projects: ['core'],
    tests: ['test/retry.test.ts'],
  },
  {
    name: 'retry-after-not-waited',
    file: 'packages/core/src/retry.ts',
    find: 'if (extra > 0) await sleep(extra, context.signal);',
    replace: '',
    projects: ['zai'],
    tests: ['test/zai.test.ts', 'test/e2e.test.ts'],
  },
  {
    name: 'retry-after-cap-ignored',
    file: 'packages/core/src/retry.ts',
    find: 'if (pictorError.retryAfterMs !== undefined && pictorError.retryAfterMs > policy.maxRetryAfterMs) {',
    replace: 'if (false) {',
    projects: ['core'],
    tests: ['test/retry.test.ts'],
  },
  {
    name: 'zai-request-id-not-reused',
    file: 'packages/zai/src/zai.ts',
    find: 'call[REQUEST_ID] = requestId;',
    replace: '',
    projects: ['zai'],
    tests: ['test/zai.test.ts'],
  },
  {
    name: 'failover-on-unknown-outcome',
    file: 'packages/core/src/failover.ts',
    find: "if (error.submitOutcome === 'unknown' && !router.policy.failoverOnUnknownOutcome) return false;",
    replace: '',
    projects: ['pictor'],
    tests: ['test/failover.test.ts'],
  },
  {
    name: 'failover-after-task-accepted',
    file: 'packages/core/src/failover.ts',
    find: "if (stage === 'wait') return false; // a task was accepted: never pay twice",
    replace: '',
    projects: ['pictor'],
    tests: ['test/failover.test.ts'],
  },
  {
    name: 'failover-on-any-kind',
    file: 'packages/core/src/failover.ts',
    find: 'if (!router.failoverOn.has(error.kind)) return false;',
    replace: '',
    projects: ['pictor'],
    tests: ['test/failover.test.ts'],
  },
  // Exact ids
  {
    name: 'json-big-integers-rounded',
    file: 'packages/core/src/json.ts',
    find: 'return holdsUnsafeNumber(value) ? JSON.parse(quoteUnsafeIntegers(text)) : value;',
    replace: 'return value;',
    projects: ['zai'],
    tests: ['test/zai.test.ts', 'test/observed.test.ts'],
  },
  {
    name: 'zai-ids-through-number',
    file: 'packages/core/src/wire.ts',
    find: 'export const StringLike = z.union([z.string(), z.number()]).transform((v) => String(v));',
    replace: 'export const StringLike = z.union([z.string(), z.number()]).transform((v) => String(Number(v)));',
    projects: ['zai'],
    tests: ['test/zai.test.ts', 'test/observed.test.ts'],
  },
  // Eta polling
  {
    name: 'poll-ignores-eta',
    file: 'packages/core/src/poll.ts',
    find: 'if (this.byEta) this.delay = this.plan.fromEta(status.etaMs as number);',
    replace: 'if (false) this.delay = this.plan.fromEta(0);',
    projects: ['novita'],
    tests: ['test/e2e.test.ts'],
  },
  {
    name: 'novita-eta-seconds-as-ms',
    file: 'packages/novita/src/status.ts',
    find: 'const etaMs = task.eta !== undefined && task.eta > 0 ? task.eta * 1000 : undefined;',
    replace: 'const etaMs = task.eta !== undefined && task.eta > 0 ? task.eta : undefined;',
    projects: ['novita'],
    tests: ['test/novita.test.ts'],
  },
  // Size rules
  {
    name: 'size-multiple-of-unchecked',
    file: 'packages/core/src/sizes.ts',
    find: 'if (value % rule.multipleOf !== 0) {',
    replace: 'if (false) {',
    projects: ['core'],
    tests: ['test/sizes.test.ts'],
  },
  {
    name: 'size-max-pixels-unchecked',
    file: 'packages/core/src/sizes.ts',
    find: 'if (pixels > rule.maxPixels) {',
    replace: 'if (false) {',
    projects: ['core'],
    tests: ['test/sizes.test.ts'],
  },
  // Redaction
  {
    name: 'redact-registered-key-kept',
    file: 'packages/core/src/redact.ts',
    find: 'if (secret && out.includes(secret)) out = out.split(secret).join(REDACTED);',
    replace: '',
    projects: ['core', 'pictor'],
    tests: ['test/small-modules.test.ts', 'test/errors.test.ts', 'test/reliability/secrets.test.ts'],
  },
  // Download caps and guards
  {
    name: 'download-declared-length-trusted',
    file: 'packages/core/src/download.ts',
    find: 'if (Number.isFinite(declared) && declared > options.maxBytes) {',
    replace: 'if (false) {',
    projects: ['core'],
    tests: ['test/download.test.ts'],
  },
  {
    name: 'download-any-protocol',
    file: 'packages/core/src/download.ts',
    find: "if (url.protocol !== 'https:' && url.protocol !== 'http:') {",
    replace: 'if (false) {',
    projects: ['core'],
    tests: ['test/download.test.ts'],
  },
  // Handle validation
  {
    name: 'handle-any-version',
    file: 'packages/core/src/handle.ts',
    find: 'version: z.literal(1),',
    replace: 'version: z.number(),',
    projects: ['core'],
    tests: ['test/small-modules.test.ts'],
  },
  {
    name: 'handle-empty-task-id',
    file: 'packages/core/src/handle.ts',
    find: 'const TaskId = z.string().min(1).max(65_536).regex(/^[\\x21-\\x7e]+$/',
    replace: 'const TaskId = z.string().max(65_536).regex(/^[\\x21-\\x7e]*$/',
    projects: ['core'],
    tests: ['test/small-modules.test.ts', 'test/provider.test.ts'],
  },
  {
    name: 'handle-other-provider-accepted',
    file: 'packages/core/src/provider-context.ts',
    find: 'if (handle.provider !== id) {',
    replace: 'if (false) {',
    projects: ['core'],
    tests: ['test/provider.test.ts'],
  },
  // Results
  {
    name: 'empty-success-accepted',
    file: 'packages/core/src/provider-result.ts',
    find: 'if (output.images.length === 0) {',
    replace: 'if (false) {',
    projects: ['testing'],
    tests: ['test/contract-mock.test.ts'],
  },
  // The mock behaves like the real model
  {
    name: 'mock-accepts-n-4',
    file: 'packages/mock/src/mock.ts',
    find: "'glm-image': { ...GLM_MODEL_RULES['glm-image'], ...own },",
    replace: "'glm-image': { ...GLM_MODEL_RULES['glm-image'], ...own, maxImagesPerCall: 4 },",
    projects: ['pictor'],
    tests: ['test/mock-spec.test.ts'],
  },
  // Hardening (issue 12)
  {
    // One capped reader serves API bodies and image downloads: both must notice.
    name: 'response-body-uncapped',
    file: 'packages/core/src/response-body.ts',
    find: '    if (total > maxBytes) {',
    replace: '    if (false) {',
    projects: ['core'],
    tests: ['test/http-hardening.test.ts', 'test/download.test.ts'],
  },
  {
    name: 'plain-http-key-sent',
    file: 'packages/core/src/transport-policy.ts',
    find: "  if (allowInsecure === true || isLoopbackHostname(url.hostname)) return;",
    replace: "  return;",
    projects: ['core'],
    tests: ['test/http-hardening.test.ts'],
  },
  {
    name: 'async-handle-result-trusted',
    file: 'packages/core/src/handle.ts',
    find: "    if (handle.mode !== 'sync') ctx.addIssue(",
    replace: "    if (false) ctx.addIssue(",
    projects: ['core'],
    tests: ['test/handle.test.ts'],
  },
  {
    name: 'link-local-downloads-allowed',
    file: 'packages/core/src/address.ts',
    find: "  ['169.254.0.0', 16, 'link-local'],",
    replace: "",
    projects: ['core'],
    tests: ['test/download-policy.test.ts'],
  },
  {
    name: 'saved-file-overwritten',
    file: 'packages/core/src/node.ts',
    find: "handle = await open(candidate, 'wx', 0o644);",
    replace: "handle = await open(candidate, 'w', 0o644);",
    projects: ['core'],
    tests: ['test/save.test.ts'],
  },
];
