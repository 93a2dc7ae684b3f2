/**
 * Checks made when an HTTP provider is constructed, before any request: where the
 * key may be sent (TLS, or a loopback address, unless allowInsecure) and whether
 * the key and extra headers can be sent at all. Messages never quote a key or a header value.
 */
import { PictorError, invalidRequest } from './errors.ts';

/** True for 127.0.0.0/8, ::1 and localhost (a URL's normalised hostname). */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Refuses a base URL that would send the key in clear: plain http is only allowed to a loopback
 * address (the emulator, a local proxy) unless the caller passed `allowInsecure: true`.
 */
export function checkBaseURL(baseURL: string, provider: string, allowInsecure: boolean | undefined): void {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw invalid(provider, `${provider}: baseURL is not a valid URL; expected e.g. https://api.example.com/v1`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol !== 'http:') {
    throw invalid(provider, `${provider}: baseURL must be an http(s) URL, not ${url.protocol}`);
  }
  if (allowInsecure === true || isLoopbackHostname(url.hostname)) return;
  throw invalid(
    provider,
    `${provider}: baseURL ${url.origin} is plain http, so the API key would travel unencrypted. ` +
      'Use https, a loopback address (127.0.0.1, ::1, localhost), or pass allowInsecure: true',
  );
}

/** Characters fetch can send in a header value: tab, printable ASCII, Latin-1. */
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
/** RFC 9110 token characters: a header name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Refuses a key or extra header fetch would reject at call time (with an error that quotes the
 * header) or that could split a request (CR/LF). Names the position and character, never the value.
 */
export function checkHeaders(provider: string, apiKey: string | undefined, headers: Readonly<Record<string, string>> | undefined): void {
  if (apiKey !== undefined) checkValue(provider, 'apiKey', apiKey);
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!HEADER_NAME.test(name)) {
      throw invalid(provider, `${provider}: headers has a name that is not a valid HTTP header name (letters, digits and !#$%&'*+.^_\`|~- only)`);
    }
    checkValue(provider, `headers["${name}"]`, value);
  }
}

function checkValue(provider: string, option: string, value: string): void {
  const bad = INVALID_VALUE_CHAR.exec(value);
  if (!bad) return;
  const code = bad[0].codePointAt(0) ?? 0;
  const what = code === 10 ? 'a line feed' : code === 13 ? 'a carriage return' : code < 32 || code === 127 ? 'a control character' : 'a character outside Latin-1';
  throw invalid(
    provider,
    `${provider}: ${option} contains ${what} (U+${code.toString(16).toUpperCase().padStart(4, '0')} at position ${bad.index}), ` +
      'which cannot be sent in an HTTP header; check for a stray newline or a copy-paste artefact',
  );
}

function invalid(provider: string, message: string): PictorError {
  return invalidRequest(message, { provider, submitOutcome: 'not_created' });
}
