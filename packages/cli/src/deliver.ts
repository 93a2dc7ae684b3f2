/**
 * Saves a finished result and prints where it went. A failure to write (a
 * missing or read-only folder, a full disk) is a `local_io` error: the task
 * was paid for, so the caller's report prints its handle and image URLs.
 */
import { extname } from 'node:path';
import { PictorError, formatCost, isPictorError, type ImageResult } from 'pictor';
import { saveImage, saveResult, type SavedImage } from 'pictor/node';
import type { CliIO } from './io.ts';
import { toJsonOutput } from './output.ts';

export interface DeliverOptions {
  readonly out?: string | undefined;
  readonly json?: boolean | undefined;
  readonly full?: boolean | undefined;
}

export async function deliver(result: ImageResult, values: DeliverOptions, io: CliIO): Promise<number> {
  const saved = await save(result, values.out ?? 'out/', io.signal).catch((error: unknown) => {
    throw asLocalIo(error);
  });
  if (values.json) {
    io.stdout.write(`${toJsonOutput({ ...result, files: saved.map((s) => s.path) }, values.full ?? false)}\n`);
  } else {
    for (const file of saved) io.stdout.write(`${file.path}\n`);
  }
  for (const warning of result.warnings) io.stderr.write(`pictor: warning: ${warning.message}\n`);
  // With --json the cost is in the JSON already.
  if (!values.json) io.stderr.write(`pictor: cost ${formatCost(result.cost)}\n`);
  return 0;
}

/** `out` is a file when it has an extension (several images get -1, -2, …), else a folder. */
async function save(result: ImageResult, out: string, signal: AbortSignal | undefined): Promise<SavedImage[]> {
  const isFile = extname(out) !== '' && !out.endsWith('/');
  if (!isFile) return saveResult(result, out, { signal });
  if (result.images.length === 1) return [await saveImage(result.images[0]!, out, { signal })];
  return Promise.all(result.images.map((image, i) => saveImage(image, out.replace(/(\.[^.]+)$/, `-${i + 1}$1`), { signal })));
}

/** A file-system error (it has an errno `code`) as a `local_io` PictorError; other errors as they are. */
export function asLocalIo(error: unknown): unknown {
  if (isPictorError(error)) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return error;
  return new PictorError({ kind: 'local_io', message: `could not save the images: ${(error as Error).message}`, cause: error });
}
