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
