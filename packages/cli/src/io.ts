/** What a command may touch of the process: streams and the Ctrl-C signal (bin.ts wires the real ones). */
export interface CliIO {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean | undefined };
  readonly stdin?: AsyncIterable<string | Uint8Array> | undefined;
  /** Aborted on Ctrl-C by bin.ts. */
  readonly signal?: AbortSignal | undefined;
}

/** Bad usage (unknown flag, missing argument): exit code 2, no hint beyond the message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
