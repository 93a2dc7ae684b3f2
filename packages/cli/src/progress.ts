/**
 * The live status line for async waits on a terminal: state, progress, eta and
 * elapsed time, redrawn in place, plus one line per failover step. Off a
 * terminal it prints nothing unless --progress asks for plain lines.
 */
import type { PictorEvent, PictorEventListener } from 'pictor';

export interface ProgressWriter {
  readonly listener: PictorEventListener;
  /** Clears the status line (before printing results or errors). */
  end(): void;
}

export function createProgress(stream: { write(text: string): unknown; isTTY?: boolean | undefined }, mode: 'tty' | 'lines' | 'off'): ProgressWriter {
  const started = Date.now();
  let drawn = false;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  const line = (text: string) => {
    if (mode === 'tty') {
      stream.write(`\r\x1b[2K${text}`);
      drawn = true;
    } else stream.write(`${text}\n`);
  };
  const persistent = (text: string) => {
    if (mode === 'tty' && drawn) stream.write('\r\x1b[2K');
    stream.write(`${text}\n`);
    drawn = false;
  };
  const listener = (event: PictorEvent) => {
    if (mode === 'off') return;
    switch (event.type) {
      case 'submitted':
        persistent(`submitted ${event.provider}:${event.model} task ${event.handle.taskId}`);
        break;
      case 'status': {
        const parts: string[] = [event.state];
        if (event.progress !== undefined) parts.push(`${event.progress}%`);
        if (event.etaMs !== undefined) parts.push(`eta ${seconds(event.etaMs)}`);
        parts.push(`elapsed ${seconds(Date.now() - started)}`, `${event.statusRequests} reads`);
        line(`${event.provider}:${event.model} ${parts.join(' · ')}`);
        break;
      }
      case 'retry':
        line(`${event.provider} ${event.stage} retry ${event.attempt} in ${seconds(event.delayMs)} (${event.error.kind})`);
        break;
      case 'failover':
        persistent(`failover: ${event.from} → ${event.to ?? '(none left)'}: ${event.reason}`);
        break;
      default:
        break;
    }
  };
  return {
    listener,
    end: () => {
      if (mode === 'tty' && drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}

/** A live line on a terminal, plain lines with --progress elsewhere, else nothing. */
export function progressMode(progress: boolean | undefined, stderr: { isTTY?: boolean | undefined }): 'tty' | 'lines' | 'off' {
  if (stderr.isTTY) return 'tty';
  return progress ? 'lines' : 'off';
}
