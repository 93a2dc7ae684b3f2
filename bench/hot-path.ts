/**
 * Hot path: client CPU per sync generate with the network taken out. `fetch` is a stub that
 * answers at once with a canned Z.AI body (the image in the body, b64_json), so what is left is
 * Pictor's own work per call (validation, ky, the adapter, core) against a bare `fetch` + JSON.parse
 * loop on the same stub, measured in the same run. CPU time (process.cpuUsage), not wall time, so
 * a shared machine skews it less. Run alone: `node --conditions=@pictor/source bench/hot-path.ts`
 * (add `--cpu-prof` to profile it). ALLOC=2000 with `--expose-gc --min-semi-space-size=128 --max-semi-space-size=128` adds the heap
 * bytes allocated per call, which the machine's load does not move.
 */
import { createZai } from '@pictor/zai';
import { bytesPerCall, fmt, type Row } from './lib.ts';

const KEY = 'bench-key-000000000000';
const MODEL = 'cogview-4-250304';
const BASE_URL = 'https://api.z.ai/api/paas/v4';
/** A 1x1 PNG: the body's size is not what this measures. */
const BODY = JSON.stringify({
  created: 1_760_000_000,
  id: 'req-1',
  request_id: 'req-1',
  data: [{ b64_json: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' }],
});

const stub: typeof fetch = async () => new Response(BODY, { status: 200, headers: { 'content-type': 'application/json' } });

async function bare(i: number): Promise<void> {
  const response = await stub(`${BASE_URL}/images/generations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, prompt: `p ${i}`, size: '1024x1024', quality: 'standard' }),
  });
  const body = JSON.parse(await response.text()) as { data: { b64_json?: string }[] };
  if (!body.data[0]?.b64_json) throw new Error('no image');
}

/**
 * ky alone, set up as core's ky-transport.ts sets it up (headers, body and the deadline's signal
 * handed to fetch past ky's Request; ky's own timeout off), then the body read and parsed: what ky
 * costs before core and the adapter add theirs.
 */
async function kyOnly(): Promise<(i: number) => Promise<void>> {
  const { default: ky } = await import('ky');
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const dispatch = (request: Request, init: Record<string, unknown>) =>
    stub(request.url, { method: request.method, headers, ...(init.bench as { body: string; signal: AbortSignal }) });
  const client = ky.create({ retry: 0, throwHttpErrors: false, timeout: false, fetch: dispatch as typeof fetch });
  return async (i) => {
    const body = JSON.stringify({ model: MODEL, prompt: `p ${i}`, size: '1024x1024', quality: 'standard' });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 180_000);
    const response = await client(`${BASE_URL}/images/generations`, { method: 'post', bench: { body, signal: controller.signal } } as never);
    const parsed = JSON.parse(await response.text()) as { data: { b64_json?: string }[] };
    clearTimeout(timer);
    if (!parsed.data[0]?.b64_json) throw new Error('no image');
  };
}

/** CPU µs per call over `count` sequential calls (after a warm-up of a tenth). */
async function cpuPerCall(count: number, call: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.ceil(count / 10); i++) await call(i);
  (globalThis as { gc?: () => void }).gc?.();
  const cpu = process.cpuUsage();
  for (let i = 0; i < count; i++) await call(i);
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / count;
}

export async function measureHotPath(count: number): Promise<{ pictorUs: number; bareUs: number; kyUs: number }> {
  const pictor = createZai({ apiKey: KEY, fetch: stub });
  const generate = (i: number) => pictor.generate({ model: MODEL, prompt: `p ${i}` });
  // Interleaved rounds, the lower of each kept: a neighbour's burst inflates one round, not both.
  let pictorUs = Infinity;
  let bareUs = Infinity;
  let kyUs = Infinity;
  const kyCall = await kyOnly();
  for (let round = 0; round < 5; round++) {
    bareUs = Math.min(bareUs, await cpuPerCall(count, bare));
    kyUs = Math.min(kyUs, await cpuPerCall(count, kyCall));
    pictorUs = Math.min(pictorUs, await cpuPerCall(count, generate));
  }
  return { pictorUs, bareUs, kyUs };
}

export async function runHotPath(quick: boolean): Promise<Row[]> {
  const { pictorUs, bareUs, kyUs } = await measureHotPath(quick ? 2_000 : 20_000);
  const ratio = pictorUs / bareUs;
  return [
    {
      scenario: 'hot path (stub fetch, sync generate)',
      metric: 'client CPU µs/call',
      pictor: fmt(pictorUs, 1),
      baseline: `bare fetch+JSON.parse ${fmt(bareUs, 1)} · ky alone ${fmt(kyUs, 1)}`,
      ratio: `${fmt(ratio)}x bare · core+adapter ${fmt(pictorUs - kyUs, 1)} µs over ky`,
      target: 'report',
      met: undefined,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] ?? 20_000);
  const { pictorUs, bareUs, kyUs } = await measureHotPath(count);
  if (process.env.ALLOC) {
    const pictor = createZai({ apiKey: KEY, fetch: stub });
    const kyCall = await kyOnly();
    const calls = { bare, 'ky alone': kyCall, pictor: (i: number) => pictor.generate({ model: MODEL, prompt: `p ${i}` }) };
    for (const [name, call] of Object.entries(calls)) console.log(`${name}: ${(await bytesPerCall(Number(process.env.ALLOC), call)).toFixed(0)} B allocated/call`);
  }
  console.log(
    `pictor ${pictorUs.toFixed(1)} µs/call · bare ${bareUs.toFixed(1)} · ky alone ${kyUs.toFixed(1)} · ` +
      `${(pictorUs / bareUs).toFixed(2)}x bare · core+adapter ${(pictorUs - kyUs).toFixed(1)} µs over ky`,
  );
}
