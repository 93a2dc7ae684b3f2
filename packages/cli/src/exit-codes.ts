/** Exit codes per error kind, documented in the README and `pictor --help`. */
import type { ErrorKind } from 'pictor';

export const EXIT_CODES: Readonly<Record<ErrorKind | 'usage' | 'unexpected', number>> = {
  usage: 2,
  invalid_request: 2,
  authentication: 3,
  permission: 3,
  insufficient_quota: 4,
  rate_limited: 5,
  content_filtered: 6,
  not_found: 7,
  provider_unavailable: 8,
  network: 8,
  timeout: 9,
  task_failed: 10,
  invalid_response: 11,
  local_io: 12,
  unexpected: 1,
  aborted: 130,
};

/** What to do next, per kind: the second half of every error line. */
export const HINTS: Readonly<Partial<Record<ErrorKind, string>>> = {
  invalid_request: 'fix the input (see `pictor sizes <model>` and `pictor models`)',
  authentication: 'set ZAI_API_KEY / NOVITA_API_KEY or providers.<id>.apiKey in --config',
  permission: 'this key may not use this model; check the provider console',
  insufficient_quota: 'top up the provider account, or configure a fallback',
  rate_limited: 'wait and retry, or configure a fallback',
  content_filtered: 'rephrase the prompt',
  not_found: 'check the model name or the task id',
  provider_unavailable: 'retry later, or configure a fallback',
  network: 'check the network and the base URL',
  timeout: 'resume the task with `pictor wait <handle.json>`',
  task_failed: 'the provider could not generate this image; try again or rephrase',
  invalid_response: 'the provider answered something unexpected; retry, or report it',
  aborted: 'resume with `pictor wait <handle.json>`',
};
