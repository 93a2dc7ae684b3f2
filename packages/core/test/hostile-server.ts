/**
 * Bodies a hostile or broken server sends, for tests on 127.0.0.1: huge bodies
 * streamed with back-pressure (never built in memory, stopped when the client
 * hangs up) and gzip bombs (one small gzip member repeated).
 */
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

/** Writes `chunk` until `totalBytes` are sent or the client goes away. */
export function streamBody(res: ServerResponse, status: number, totalBytes: number, chunk: Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  let sent = 0;
  const pump = (): void => {
    while (sent < totalBytes) {
      if (res.destroyed) return;
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

/** A JSON-looking body of long digit runs (what sent the old lossless parser into an OOM). */
export function digitRunChunk(bytes = 1 << 20): Buffer {
  const run = `${'1234567890'.repeat(10)},`;
  return Buffer.from(run.repeat(Math.ceil(bytes / run.length)).slice(0, bytes));
}

/** One gzip member inflating to `inflated` zero bytes; repeated, members inflate to a multiple. */
export function gzipMember(inflated = 16 << 20): Buffer {
  return gzipSync(Buffer.alloc(inflated, 0x20), { level: 9 });
}

/** Sends a gzip bomb that inflates to `inflatedBytes` (each member 16 MiB of spaces). */
export function gzipBomb(res: ServerResponse, status: number, inflatedBytes: number, member = gzipMember()): void {
  streamBody(res, status, Math.ceil(inflatedBytes / (16 << 20)) * member.length, member, { 'content-encoding': 'gzip' });
}
