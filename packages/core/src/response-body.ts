/**
 * Reads a response body with a cap on the decoded bytes, while it streams: a
 * hostile or broken server (a 200 MB body, a gzip bomb that inflates to 10 GB)
 * costs at most the cap in memory and stops as soon as the cap is passed.
 * fetch inflates gzip/br/deflate before the stream, so the count is of decoded bytes.
 */

/** The body passed the cap; the stream was cancelled. */
export const TOO_LARGE = Symbol('too large');
/** The body did not finish within the time allowed; the stream was cancelled. */
export const TIMED_OUT = Symbol('timed out');

/** 8 MiB: a Z.AI or Novita API answer is a few KB (a b64 image a few MB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

const decoder = new TextDecoder();
const ignore = () => undefined;

/** What ends a stalled body: the request's deadline (deadline.ts). */
export interface BodyDeadline {
  readonly signal: AbortSignal;
  readonly timedOut: boolean;
  /** The deadline cancels this reader when it ends, even under a custom fetch that ignores its signal. */
  watch(reader: ReadableStreamDefaultReader<Uint8Array>): void;
}

/**
 * The body as UTF-8 text, or TOO_LARGE / TIMED_OUT (the deadline ran out while it streamed).
 * Network failures and aborts reject with fetch's own error (or the abort's reason), for http.ts
 * to classify.
 */
export async function readCappedText(
  response: Response,
  maxBytes: number,
  deadline: BodyDeadline,
): Promise<string | typeof TOO_LARGE | typeof TIMED_OUT> {
  const body = response.body;
  if (!body) return '';
  // A declared length over the cap is refused unread (only when not encoded: then it is the wire size).
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes && !response.headers.has('content-encoding')) {
    void body.cancel().catch(ignore);
    return TOO_LARGE;
  }
  const reader = body.getReader();
  deadline.watch(reader);
  try {
    const bytes = await readAtMost(reader, maxBytes);
    if (bytes === TOO_LARGE) return TOO_LARGE;
    // A reader the deadline cancelled ends like a complete body: what arrived is not all of it.
    if (deadline.timedOut) return TIMED_OUT;
    if (deadline.signal.aborted) throw deadline.signal.reason;
    return decoder.decode(bytes);
  } catch (error) {
    if (deadline.timedOut) return TIMED_OUT;
    throw error;
  }
}

/**
 * Reads a stream to its end, or returns TOO_LARGE (the stream cancelled) as soon as it passes
 * `maxBytes`: API bodies (above) and image downloads (download.ts) share it. Memory: the chunks
 * read so far and, at the end, one copy of them joined (none when the body came in one chunk);
 * the chunk list is dropped on return, so a caller holds only the bytes it was given.
 */
export async function readAtMost(reader: ReadableStreamDefaultReader<Uint8Array>, maxBytes: number): Promise<Uint8Array | typeof TOO_LARGE> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      void reader.cancel().catch(ignore);
      return TOO_LARGE;
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : concat(chunks, total);
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
