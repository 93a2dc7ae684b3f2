/**
 * A loopback server that answers Z.AI's sync endpoint with the image in the body
 * (`b64_json`), in its own process: the like-for-like overhead rows (issue 14) have
 * Pictor, the AI SDK and raw fetch do exactly one POST + JSON each, with no download.
 * The body is shaped like a documented Z.AI sync answer: ids as digit strings
 * (which JSON.parse reads exactly), a 4x4 PNG like the emulator's.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const PNG_4X4 =
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAK0lEQVR4nGO8q5fNAAOMKwJqEZyS4r5rVxq0dBpAHPupC7g35X31mwSUAgABzwvZBoeqoAAAAABJRU5ErkJggg==';

let served = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    served++;
    const id = String(8353992347972780031n + BigInt(served));
    const body = JSON.stringify({
      created: Math.floor(Date.now() / 1000),
      id,
      request_id: id,
      data: [{ b64_json: PNG_4X4 }],
      content_filter: [{ role: 'assistant', level: 3 }],
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-request-id': id });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ type: 'ready', baseURL: `http://127.0.0.1:${port}/api/paas/v4` });
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'close') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
