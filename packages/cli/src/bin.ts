#!/usr/bin/env node
/**
 * Process wiring for `pictor`: Ctrl-C aborts the running call (its handle is then
 * printed so the task can be resumed); a second Ctrl-C exits at once.
 */
import { main } from './main.ts';

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  controller.abort();
});

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  signal: controller.signal,
});
process.exitCode = code;
