/**
 * A tiny OpenAI images API on 127.0.0.1 for tests: POST /v1/images/generations
 * answers with b64_json PNGs, an empty list, or an OpenAI-style error, as the
 * test scripts it. It counts requests; close() ends it and its sockets.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { paintPng, toBase64 } from '@pictor/mock';

export type ImagesScenario = { readonly type: 'success' } | { readonly type: 'empty' } | { readonly type: 'error'; readonly status: number };

export interface ImagesServer {
  readonly baseURL: string;
  /** Generation requests received. */
  readonly requests: number;
  /** The last request body. */
  readonly lastBody: Record<string, unknown> | undefined;
  script(scenario: ImagesScenario): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startImagesServer(): Promise<ImagesServer> {
  let scenario: ImagesScenario = { type: 'success' };
  let requests = 0;
  let lastBody: Record<string, unknown> | undefined;
  const sockets = new Set<Socket>();
  const png = toBase64(await paintPng(8, 8, 'openai-compatible', 0));

  const readBody = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    let text = '';
    for await (const chunk of req) {
      text += String(chunk);
      if (text.length > 100_000) break; // bounded
    }
    return JSON.parse(text || '{}') as Record<string, unknown>;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req-${requests}` });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/v1/images/generations') return send(404, { error: { message: 'no route', type: 'not_found' } });
      requests++;
      lastBody = await readBody(req);
      if (scenario.type === 'error') return send(scenario.status, { error: { message: `scripted ${scenario.status}`, type: 'scripted', code: String(scenario.status) } });
      const n = typeof lastBody.n === 'number' ? lastBody.n : 1;
      const data = scenario.type === 'empty' ? [] : Array.from({ length: n }, () => ({ b64_json: png }));
      return send(200, { created: Math.floor(Date.now() / 1000), data });
    })();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return requests;
    },
    get lastBody() {
      return lastBody;
    },
    script: (next) => {
      scenario = next;
    },
    reset: () => {
      requests = 0;
      lastBody = undefined;
      scenario = { type: 'success' };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
