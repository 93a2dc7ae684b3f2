/** Spawns the real `pictor` CLI (from source) and reads its output line by line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../cli/src/bin.ts', import.meta.url));

export interface CliProcess {
  readonly child: ChildProcess;
  readonly lines: string[];
  /** Resolves with the first line (seen or future) matching `pattern`; rejects at the deadline or on exit. */
  line(pattern: RegExp, deadlineMs?: number): Promise<string>;
  /** Calls `listener` for every line, past and future. */
  onLine(listener: (line: string) => void): void;
  exit(): Promise<number | null>;
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, ['--conditions=@pictor/source', BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const listener of listeners) listener(line);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-5000)));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    lines,
    onLine(listener) {
      for (const line of lines) listener(line);
      listeners.push(listener);
    },
    line(pattern, deadlineMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${deadlineMs} ms; stderr: ${stderr}`)), deadlineMs);
        void exited.then((code) => reject(new Error(`pictor exited (${code}) before printing ${pattern}; stderr: ${stderr}`)));
        this.onLine((line) => {
          if (!pattern.test(line)) return;
          clearTimeout(timer);
          resolve(line);
        });
      });
    },
    exit: () => exited,
  };
}

/** Runs the CLI to completion. */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=@pictor/source', BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}
