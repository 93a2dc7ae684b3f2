/**
 * Node-only: downloads that connect to exactly the addresses the policy checked. A plain
 * "look up, check, then fetch" leaves a gap: fetch resolves the name again, and a hostile DNS
 * server can answer a public address to the check and 169.254.169.254 to the connection
 * (DNS rebinding). Here the policy's `lookup` records what it returned, and the request's own
 * connect-time lookup answers from that record only, so nothing unchecked is ever dialled.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupAddress } from 'node:dns';
import { Readable } from 'node:stream';
import type { HostLookup } from './download-policy.ts';

export interface PinnedResolver {
  /** The policy's lookup: resolves with `resolve` and remembers the answer. */
  readonly lookup: HostLookup;
  /** A fetch (GET, no credentials) whose connections use only remembered answers. */
  readonly fetch: typeof globalThis.fetch;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

export function createPinnedResolver(resolve: HostLookup): PinnedResolver {
  const pinned = new Map<string, readonly string[]>();
  const lookup: HostLookup = async (hostname) => {
    const addresses = await resolve(hostname);
    pinned.set(hostname.toLowerCase(), addresses);
    return addresses;
  };

  const connectLookup = (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    const addresses = pinned.get(hostname.toLowerCase().replace(/^\[|\]$/g, ''));
    if (!addresses || addresses.length === 0) {
      const error: NodeJS.ErrnoException = Object.assign(new Error(`${hostname} was not checked by the download policy`), { code: 'ENOTFOUND' });
      return callback(error, '');
    }
    const entries = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options.all) return callback(null, entries);
    callback(null, entries[0]!.address, entries[0]!.family);
  };

  const fetch = ((input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response>((resolvePromise, reject) => {
      const req = request(url, { method: 'GET', signal: init?.signal ?? undefined, lookup: connectLookup as never, headers: { accept: 'image/*', 'accept-encoding': 'identity' } }, (res) => {
        // Whatever a hostile server answers must settle this promise, never throw in Node's callback.
        try {
          resolvePromise(toResponse(res));
        } catch (error) {
          res.destroy();
          reject(error);
        }
      });
      req.on('error', reject);
      req.end();
    });
  }) as typeof globalThis.fetch;

  return { lookup, fetch };
}

function toResponse(res: IncomingMessage): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  const status = res.statusCode ?? 502;
  // Null-body statuses (Fetch spec): a Response with a body and one of these throws.
  const noBody = status === 101 || status === 103 || status === 204 || status === 205 || status === 304 || (status >= 300 && status < 400);
  if (noBody) res.resume();
  const body = noBody ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
  return new Response(body, { status: status < 200 || status > 599 ? 502 : status, statusText: res.statusMessage ?? '', headers });
}
