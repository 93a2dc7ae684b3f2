/**
 * The emulator's request handler: finds the provider's route table, checks the key, the body and
 * the concurrency gate, applies a scripted fault, then lets the route table answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatedEndpoint, EmulatorFault, EmulatorTask } from './emulator.ts';
import { readBody, readJson, send, sendRaw } from './emulator-http.ts';
import { IMAGE_PREFIX, serveImage } from './emulator-image-route.ts';
import type { ProviderRoutes } from './emulator-routes.ts';
import { PROVIDER_ROUTES, type EmulatorState } from './emulator-state.ts';

/** One API request, once routed. */
interface Call {
  readonly routes: ProviderRoutes;
  readonly endpoint: EmulatedEndpoint;
  readonly body: Record<string, unknown>;
  readonly prompt: string | undefined;
  /** The task a status read names (undefined if unknown). */
  readonly task: EmulatorTask | undefined;
}

export function createRequestHandler(state: EmulatorState): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    if (state.options.latencyMs) await state.delay(state.options.latencyMs);
    if (method === 'GET' && path.startsWith(IMAGE_PREFIX)) return serveImage(state, path, res);

    const routes = Object.values(PROVIDER_ROUTES).find((r) => path.startsWith(r.prefix));
    if (!routes) return send(res, 404, { error: `emulator: no route ${method} ${path}` });
    const route = path.slice(routes.prefix.length);
    const endpoint = routes.endpointOf(method, route);
    if (!endpoint) return send(res, 404, routes.errorBody(404, routes.codes.noRoute, `emulator: no route ${method} ${path}`));
    state.count(`${routes.provider}.${endpoint}`);

    const call = await admit(state, req, res, routes, endpoint, route);
    if (!call) return;
    const fault = state.pickFault(routes.provider, endpoint, call.prompt ?? call.task?.prompt);
    if (fault?.type === 'slow') await state.delay(fault.delayMs ?? 2000);
    if (fault && (fault.type === 'http' || fault.type === 'reset' || fault.type === 'malformed')) return strike(state, req, res, call, fault);
    return answer(state, res, call, fault);
  };
}

/** Checks the key, the body, the prompt and the concurrency gate; answers a refusal itself (then undefined). */
async function admit(state: EmulatorState, req: IncomingMessage, res: ServerResponse, routes: ProviderRoutes, endpoint: EmulatedEndpoint, route: string): Promise<Call | undefined> {
  const { codes } = routes;
  const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  if (!token || (state.options.apiKeys && !state.options.apiKeys.includes(token))) {
    await readBody(req);
    send(res, 401, routes.errorBody(401, token ? codes.badKey : codes.missingKey, 'authentication failed'));
    return undefined;
  }
  const creates = endpoint === 'sync' || endpoint === 'submit';
  const body = creates ? await readJson(req) : {};
  if (body === undefined) return void send(res, 400, routes.errorBody(400, codes.badBody, 'body is not JSON'));
  const prompt = typeof body.prompt === 'string' ? body.prompt : undefined;
  const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
  const task = endpoint === 'status' ? state.tasks.get(routes.taskIdOf(route, query)) : undefined;
  if (creates) {
    if (prompt) state.submitsByPrompt.set(prompt, (state.submitsByPrompt.get(prompt) ?? 0) + 1);
    if (!prompt) return void send(res, 400, routes.errorBody(400, codes.noPrompt, 'prompt is required'));
    if (!state.gate.admit(Date.now())) return void send(res, 429, routes.errorBody(429, codes.busy, 'too many tasks running at once'));
  }
  return { routes, endpoint, body, prompt, task };
}

/** An http, reset or malformed fault; on a submit it may create the task first (an ambiguous outcome). */
async function strike(state: EmulatorState, req: IncomingMessage, res: ServerResponse, call: Call, fault: EmulatorFault): Promise<void> {
  const { routes, endpoint } = call;
  const ambiguous = fault.afterAccept ?? (fault.type === 'reset' || fault.type === 'malformed' || [500, 502, 504].includes(fault.status ?? 0));
  if (endpoint === 'submit' && ambiguous) state.createTask(routes.provider, call.body, undefined);
  if (endpoint === 'sync' && ambiguous) await state.delay(state.durationFor(routes.provider, call.prompt ?? '', state.tasks.size));
  if (fault.type === 'reset') return void req.socket.destroy();
  if (fault.type === 'malformed') return sendRaw(res, 200, '{"task_status": "PROC');
  const status = fault.status ?? 503;
  const headers = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : undefined;
  return send(res, status, routes.errorBody(status, fault.code, fault.message ?? `emulated HTTP ${status}`), headers);
}

/** The provider's answer: a sync generation, an accepted submit or a status read. */
async function answer(state: EmulatorState, res: ServerResponse, call: Call, fault: EmulatorFault | undefined): Promise<void> {
  const { routes, endpoint } = call;
  if (endpoint === 'sync' && routes.sync) return routes.sync(state, state.createTask(routes.provider, call.body, fault), res);
  if (endpoint === 'submit') return send(res, 200, routes.submitted(state.createTask(routes.provider, call.body, fault), call.body));
  const task = call.task;
  if (!task) return send(res, 404, routes.errorBody(404, routes.codes.noTask, 'task not found'));
  task.statusReads++;
  const elapsedMs = state.now() - task.acceptedAt;
  const done = elapsedMs >= task.durationMs;
  if (done && task.observedDoneAt === undefined) task.observedDoneAt = state.now();
  return send(res, 200, routes.status(task, { done, elapsedMs, imageUrl: state.imageUrl(task) }));
}
