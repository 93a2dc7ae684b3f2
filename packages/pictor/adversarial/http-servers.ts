/**
 * Hostile Z.AI / Novita look-alikes on 127.0.0.1 for the http-* adversarial tests:
 * each route answers with what the test chooses (a 200 MB body, a gzip bomb, a
 * plain task), and every request is counted so a test can prove none was repeated.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLocalServer, type LocalServer } from '../../core/test/local-server.ts';

export { digitRunChunk, gzipBomb, gzipMember, streamBody } from '../../core/test/hostile-server.ts';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface HostileServer extends LocalServer {
  /** Requests seen, by "METHOD /path" (query string dropped). */
  readonly requests: Map<string, number>;
}

/** Routes are matched by the path's ending ("images/generations", "async-result/…" as a prefix match on the tail). */
export async function startHostileServer(routes: Record<string, Route>): Promise<HostileServer> {
  const requests = new Map<string, number>();
  const server = await startLocalServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const key = `${req.method} ${path}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    req.resume();
    req.on('end', () => {
      const route = Object.entries(routes).find(([suffix]) => path.includes(suffix))?.[1];
      if (route) route(req, res);
      else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"404","message":"no route"}}');
      }
    });
  });
  return { ...server, requests };
}

/** Samples this process's RSS until stopped; returns the peak in bytes. */
export function watchRss(everyMs = 10): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
