/** Reads a task handle from a file or stdin (`-`), for `pictor wait` and `pictor status`. */
import { readFile, stat } from 'node:fs/promises';
import { PictorError, parseTaskHandle, invalidRequest, type TaskHandle } from 'pictor';
import { UsageError, type CliIO } from './io.ts';

/** A handle is a few KB; a larger input is not a handle (and is not read into memory whole). */
const MAX_HANDLE_BYTES = 1024 * 1024;

export async function readHandle(source: string | undefined, io: CliIO): Promise<TaskHandle> {
  if (!source) throw new UsageError('a handle file is required (or - to read it from stdin)');
  return parseTaskHandle(source === '-' ? await readStdin(io) : await readHandleFile(source));
}

async function readStdin(io: CliIO): Promise<string> {
  if (!io.stdin) throw new UsageError('no stdin to read the handle from');
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of io.stdin) {
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text.length > MAX_HANDLE_BYTES) throw tooLarge('stdin');
  }
  return text + decoder.decode();
}

async function readHandleFile(path: string): Promise<string> {
  try {
    // Checked before reading, so a huge file (or a device) is refused without loading it.
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > MAX_HANDLE_BYTES) throw tooLarge(path);
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof PictorError) throw error;
    throw invalidRequest(`cannot read handle file ${path}: ${(error as Error).message}`);
  }
}

function tooLarge(source: string): PictorError {
  return invalidRequest(`the task handle in ${source} is larger than ${MAX_HANDLE_BYTES} bytes: not a handle`);
}
