/**
 * Turns any failure into one error line on stderr and an exit code. After a
 * task was accepted, nothing is lost: its handle goes to stdout (resumable with
 * `pictor wait`) and, when it had finished, its image URLs go to stderr.
 */
import { isPictorError, serializeTaskHandle, toPictorError, type PictorError } from 'pictor';
import type { CallState } from './call-state.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { hintFor, isMissingKey } from './hints.ts';
import { UsageError, type CliIO } from './io.ts';
import { shortenDataUrl } from './output.ts';

export function report(error: unknown, io: CliIO, state: CallState, options: { command?: string; full?: boolean } = {}): number {
  if (error instanceof UsageError) {
    io.stderr.write(`pictor: ${error.message}\n`);
    return EXIT_CODES.usage;
  }
  const pictorError = toPictorError(error);
  const handle = pictorError.handle ?? state.handle;
  const hint = hintFor(pictorError, handle !== undefined, options.command);
  io.stderr.write(`pictor: ${pictorError.kind}: ${messageOf(pictorError, state, handle !== undefined)}${hint ? ` — ${hint}` : ''}\n`);
  if (handle) {
    io.stdout.write(`${serializeTaskHandle(handle)}\n`);
    const result = state.result ?? handle.result;
    if (result) {
      io.stderr.write(`pictor: task ${result.taskId ?? handle.taskId} finished and was paid for; its images:\n`);
      for (const image of result.images) io.stderr.write(`pictor:   ${options.full ? image.url : shortenDataUrl(image.url)}\n`);
      io.stderr.write('pictor: the task handle was printed on stdout; save it and run `pictor wait <file> --out <dir>` to save the images again without paying\n');
    } else {
      io.stderr.write(`pictor: task ${handle.taskId} was accepted; its handle was printed on stdout: save it and run \`pictor wait <file>\` to resume\n`);
    }
  }
  return isPictorError(error) || pictorError.kind !== 'invalid_response' ? EXIT_CODES[pictorError.kind] : EXIT_CODES.unexpected;
}

/** The message, said for the CLI where the library's wording would mislead. */
function messageOf(error: PictorError, state: CallState, hasHandle: boolean): string {
  if (isMissingKey(error)) return `no API key for ${error.provider}`;
  if ((error.kind === 'aborted' || error.kind === 'timeout') && !hasHandle) {
    const outcome = error.submitOutcome ?? (state.submitting ? 'unknown' : undefined);
    if (outcome === 'unknown') {
      return 'interrupted while the submit was in flight: the outcome is unknown (the provider may have accepted and billed the task); check the provider dashboard before generating again';
    }
    if (outcome === 'not_created') return 'interrupted before the submit was sent: nothing was created';
  }
  return error.message;
}
