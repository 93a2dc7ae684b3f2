#!/usr/bin/env node
/**
 * Process wiring for `pictor`: Ctrl-C aborts the running call. What is printed
 * then depends on how far the task got (see report.ts): a submit in flight has
 * an unknown outcome, an accepted task prints its handle, a finished one its
 * handle and images. A second Ctrl-C exits at once.
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
