/**
 * Where Pictor's client CPU goes on the like-for-like row (not part of `pnpm bench`): the same
 * POST through successively more of Pictor's layers, interleaved in one process, against the b64
 * server, with the AI SDK beside them. Each rung adds about one layer to the one before, so the
 * differences are the layers' costs; the lowest CPU and best throughput of the rounds are kept.
 *
 *   node --expose-gc --conditions=@pictor/source bench/overhead-ladder.ts [calls] [concurrency] [rounds] [rung,rung…]
 *
 * WARMUP=n sets the warm-up calls per rung (300), VERBOSE=1 prints every round, and WINDOWS=file
 * writes each round's time window, to split a `--cpu-prof` profile of the same run by rung.
 * ALLOC=n adds each rung's heap bytes allocated per call over n sequential calls (with
 * --min-semi-space-size=128 --max-semi-space-size=128, see bench/lib.ts): load does not move it.
 * Give it WARMUP=3000: code the JIT compiles during the count is heap too (±1-2 KB/call at 300).
 * On a shared machine differences under ~50 µs/call are noise: compare rungs of one run only.
 */
import { fork } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateImage } from 'ai';
import { createZai } from '@pictor/zai';
import { createHttpClient } from '../packages/core/src/http.ts';
import { createKyTransport } from '../packages/core/src/ky-transport.ts';
import { RequestDeadline } from '../packages/core/src/deadline.ts';
import { readCappedText } from '../packages/core/src/response-body.ts';
import { bytesPerCall, load } from './lib.ts';

const [countArg = '3000', concurrencyArg = '1', roundsArg = '3', onlyArg] = process.argv.slice(2);
const KEY = 'bench-key-000000000000';
const MODEL = 'cogview-4-250304';
const child = fork(new URL('./b64-server.ts', import.meta.url).pathname, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const baseURL = await new Promise<string>((resolve) => child.once('message', (m) => resolve((m as { baseURL: string }).baseURL)));
const headers = { accept: 'application/json', 'accept-language': 'en-US,en', authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
/** Pictor's request body: the shape the zai adapter sends. */
const json = (i: number) => ({ model: MODEL, prompt: `p ${i}`, size: '1024x1024', quality: 'standard', request_id: globalThis.crypto.randomUUID() });
const body = (i: number) => JSON.stringify(json(i));
const check = (value: unknown) => {
  if (!(value as { data: { b64_json?: string }[] }).data[0]?.b64_json) throw new Error('no image');
};
const transport = createKyTransport({ baseURL: `${baseURL}/`, headers: { accept: 'application/json', 'accept-language': 'en-US,en', authorization: `Bearer ${KEY}` } });
/** ky set up as ky-transport.ts sets it up; its fetch follows a signal only when given `pictorSignal`. */
const unsignalledKy = (await import('ky')).default.create({
  retry: 0,
  timeout: false,
  throwHttpErrors: false,
  fetch: ((request: Request, init: { pictorBody: string; pictorSignal?: AbortSignal }) =>
    fetch(request.url, { method: request.method, headers, body: init.pictorBody, signal: init.pictorSignal })) as never,
});
/** A rung that sends through `send` under a deadline and reads the body capped, as http.ts does. */
const withDeadline = (send: (i: number, signal: AbortSignal) => Promise<Response>) => async (i: number) => {
  const deadline = new RequestDeadline(180_000, undefined);
  const response = await send(i, deadline.signal);
  deadline.restart();
  check(JSON.parse((await readCappedText(response, 8 << 20, deadline)) as string));
  deadline.done();
};
const http = createHttpClient({ provider: 'zai', baseURL, apiKey: KEY, headers: { 'accept-language': 'en-US,en' } });
const pictor = createZai({ apiKey: KEY, baseURL });
const aiProvider = createOpenAICompatible({ name: 'zai', baseURL, apiKey: KEY });

/** One signal for every call (the cost of following a signal without a controller per call). */
const shared = new AbortController();
const rungs: Record<string, (i: number) => Promise<unknown>> = {
  raw: async (i) => {
    const response = await fetch(`${baseURL}/images/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, prompt: `p ${i}`, size: '1024x1024', quality: 'standard' }),
    });
    check(await response.json());
  },
  'raw+shape': async (i) => {
    const response = await fetch(`${baseURL}/images/generations`, { method: 'POST', headers, body: body(i) });
    check(JSON.parse(await response.text()));
  },
  'raw+signal': async (i) => {
    const response = await fetch(`${baseURL}/images/generations`, { method: 'POST', headers, body: body(i), signal: new AbortController().signal });
    check(JSON.parse(await response.text()));
  },
  'raw+shared': async (i) => {
    const response = await fetch(`${baseURL}/images/generations`, { method: 'POST', headers, body: body(i), signal: shared.signal });
    check(JSON.parse(await response.text()));
  },
  'raw+capped': async (i) => {
    const response = await fetch(`${baseURL}/images/generations`, { method: 'POST', headers, body: body(i) });
    const deadline = new RequestDeadline(60_000, undefined);
    check(JSON.parse((await readCappedText(response, 8 << 20, deadline)) as string));
    deadline.done();
  },
  'ky-transport': withDeadline((i, signal) => transport('images/generations', { method: 'post', body: body(i), signal })),
  // Issue 14 triage: Pictor's transport with no ky (fetch follows the deadline's signal), and ky
  // whose fetch follows no signal (what a dispatcher's headers timeout in place of the signal
  // would save; Node's fetch takes no such option without the undici package) or does.
  'no-ky': withDeadline((i, signal) => fetch(`${baseURL}/images/generations`, { method: 'POST', headers, body: body(i), signal })),
  'ky-nosignal': withDeadline((i) => unsignalledKy(`${baseURL}/images/generations`, { method: 'post', pictorBody: body(i) } as never)),
  'ky-signal': withDeadline((i, signal) => unsignalledKy(`${baseURL}/images/generations`, { method: 'post', pictorBody: body(i), pictorSignal: signal } as never)),
  http: async (i) => {
    const response = await http.post('images/generations', { json: json(i), timeoutMs: 180_000 });
    check(response.data);
  },
  pictor: (i) => pictor.generate({ model: MODEL, prompt: `p ${i}` }),
  'ai-sdk': (i) => generateImage({ model: aiProvider.imageModel(MODEL), prompt: `p ${i}`, size: '1024x1024', maxRetries: 0 }),
};
const count = Number(countArg);
const concurrency = Number(concurrencyArg);
const best: Record<string, { cpu: number; rps: number; gc: number }> = {};
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });
/** Each measured loop's time window, for splitting a --cpu-prof profile by rung (WINDOWS=file). */
const windows: { name: string; startUs: number; endUs: number }[] = [];
const only = onlyArg?.split(',');
for (const [name, call] of Object.entries(rungs)) if (!only || only.includes(name)) await load(Number(process.env.WARMUP ?? 300), 8, call);
for (let round = 0; round < Number(roundsArg); round++) {
  for (const [name, call] of Object.entries(rungs)) {
    if (only && !only.includes(name)) continue;
    (globalThis as { gc?: () => void }).gc?.();
    const cpu = process.cpuUsage();
    const gcBefore = gcMs;
    const startUs = process.hrtime.bigint() / 1000n;
    const { wallMs } = await load(count, concurrency, call);
    windows.push({ name, startUs: Number(startUs), endUs: Number(process.hrtime.bigint() / 1000n) });
    const used = process.cpuUsage(cpu);
    const cpuUs = (used.user + used.system) / count;
    const rps = count / (wallMs / 1000);
    await new Promise((resolve) => setImmediate(resolve));
    const gcUs = ((gcMs - gcBefore) * 1000) / count;
    if (process.env.VERBOSE) console.log(`  round ${round} ${name}: ${cpuUs.toFixed(0)} µs/call, ${rps.toFixed(0)} calls/s`);
    best[name] = { cpu: Math.min(cpuUs, best[name]?.cpu ?? Infinity), rps: Math.max(rps, best[name]?.rps ?? 0), gc: Math.min(gcUs, best[name]?.gc ?? Infinity) };
  }
}
const raw = best.raw ?? Object.values(best)[0]!;
for (const [name, m] of Object.entries(best)) {
  console.log(`${name.padEnd(14)} ${m.cpu.toFixed(0).padStart(5)} µs/call (${(m.cpu / raw.cpu).toFixed(2)}x raw)  ${m.rps.toFixed(0).padStart(5)} calls/s (${(m.rps / raw.rps).toFixed(2)}x raw)  gc ${m.gc.toFixed(0)} µs/call`);
}
if (process.env.ALLOC) {
  for (const [name, call] of Object.entries(rungs)) {
    if (!only || only.includes(name)) console.log(`${name.padEnd(14)} ${(await bytesPerCall(Number(process.env.ALLOC), call)).toFixed(0).padStart(6)} B allocated/call`);
  }
}
if (process.env.WINDOWS) (await import('node:fs')).writeFileSync(process.env.WINDOWS, JSON.stringify({ count, windows }));
child.send({ type: 'close' });
