/**
 * The second half of every error line: what to do next. A hint must fit the
 * error: "see pictor sizes" only for a size error, `pictor wait` only when
 * there is a handle to wait on, CLI advice (env vars, --config) for a missing key.
 */
import type { PictorError } from 'pictor';

/** Environment variables the built-in providers read their key from. */
const KEY_VARIABLES: Readonly<Record<string, string>> = { zai: 'ZAI_API_KEY', novita: 'NOVITA_API_KEY' };

const BY_KIND: Readonly<Partial<Record<PictorError['kind'], string>>> = {
  authentication: 'check the key: set ZAI_API_KEY / NOVITA_API_KEY, or providers.<id>.apiKey in --config',
  permission: 'this key may not use this model; check the provider console',
  insufficient_quota: 'top up the provider account, or configure a fallback',
  rate_limited: 'wait and retry, or configure a fallback',
  content_filtered: 'rephrase the prompt',
  not_found: 'check the model name or the task id',
  provider_unavailable: 'retry later, or configure a fallback',
  network: 'check the network and the base URL',
  task_failed: 'the provider could not generate this image; try again or rephrase',
  invalid_response: 'the provider answered something unexpected; report it before retrying',
  local_io: 'check that the --out folder exists and is writable, and that the disk has room',
};

/** True for the error a provider raises before any request when no key is configured. */
export function isMissingKey(error: PictorError): boolean {
  return error.kind === 'authentication' && error.status === undefined && error.provider !== undefined;
}

/** `command` is the one that failed: `pictor sizes` does not point at itself. */
export function hintFor(error: PictorError, hasHandle: boolean, command?: string): string | undefined {
  if (isMissingKey(error)) {
    const variable = KEY_VARIABLES[error.provider ?? ''] ?? `the ${error.provider} key`;
    return `set ${variable}, or put providers.${error.provider}.apiKey in a --config file; without a key, use --model mock:glm-image`;
  }
  switch (error.kind) {
    case 'invalid_request':
      if (error.details?.rule !== undefined) return command === 'sizes' ? undefined : 'see `pictor sizes <model>` for the valid sizes';
      if (/\bunknown (model|provider)\b/i.test(error.message)) return 'see `pictor models`';
      return undefined;
    case 'timeout':
    case 'aborted':
      return hasHandle ? 'resume with `pictor wait <handle.json>` (no new submit, nothing paid twice)' : undefined;
    default:
      return BY_KIND[error.kind];
  }
}
