/** A misbehaving HTTP server on 127.0.0.1 for adversarial tests; it counts what it was asked. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLocalServer, type LocalServer } from '../../core/test/local-server.ts';

export interface HostileServer extends LocalServer {
  /** Request paths received, in order. */
  readonly hits: string[];
}

export async function hostileServer(handler: (req: IncomingMessage, res: ServerResponse, url: URL) => void): Promise<HostileServer> {
  const hits: string[] = [];
  const server = await startLocalServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    hits.push(url.pathname + url.search);
    handler(req, res, url);
  });
  return { ...server, hits };
}

/**
 * A fetch that sends requests for `publicOrigin` to a local server instead: the provider believes
 * it talks to a public API (so loopback image URLs get no special trust), the test stays offline.
 */
export function routedFetch(publicOrigin: string, localOrigin: string): typeof fetch {
  return (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const rewritten = request.url.startsWith(publicOrigin) ? localOrigin + request.url.slice(publicOrigin.length) : request.url;
    return fetch(new Request(rewritten, request), input instanceof Request ? init : undefined);
  };
}

export const PNG = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82]);
