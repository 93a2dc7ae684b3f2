/** Z.AI's routes on the emulator: {url}/zai/api/paas/v4 images/generations, async/images/generations, async-result/{id}. */
import { send } from './emulator-http.ts';
import type { ProviderRoutes } from './emulator-routes.ts';

const ENDPOINTS: Readonly<Record<string, 'sync' | 'submit'>> = {
  'POST images/generations': 'sync',
  'POST async/images/generations': 'submit',
};

const errorBody = (status: number, code: string | undefined, message: string): unknown => ({ error: { code: code ?? String(status), message } });

export const ZAI_ROUTES: ProviderRoutes = {
  provider: 'zai',
  prefix: '/zai/api/paas/v4/',
  endpointOf: (method, route) => ENDPOINTS[`${method} ${route}`] ?? (method === 'GET' && route.startsWith('async-result/') ? 'status' : undefined),
  codes: { noRoute: '1211', missingKey: '1001', badKey: '1002', badBody: '1214', noPrompt: '1213', busy: '1302', noTask: '1214' },
  errorBody,
  // Z.AI ids are 19-digit strings beyond 2^53.
  newTaskId: (serial) => (8353992347972780031n + serial).toString(),
  defaultSize: (body) => (body.model !== 'glm-image' ? '1024x1024' : '1280x1280'),
  taskIdOf: (route) => decodeURIComponent(route.slice('async-result/'.length)),
  submitted: (task, body) => ({ model: body.model, id: task.id, request_id: body.request_id ?? task.id, task_status: 'PROCESSING' }),
  status(task, { done, imageUrl }) {
    if (!done) return { model: 'glm-image', task_status: 'PROCESSING', request_id: task.id };
    if (task.fate === 'failed') return { model: 'glm-image', task_status: 'FAIL', request_id: task.id, message: task.reason };
    return { model: 'glm-image', task_status: 'SUCCESS', request_id: task.id, image_result: task.fate === 'empty' ? [] : [{ url: imageUrl }] };
  },
  async sync(state, task, res) {
    await state.delay(Number.isFinite(task.durationMs) ? task.durationMs : 24 * 3600_000);
    if (task.fate === 'failed') return send(res, 500, errorBody(500, '500', task.reason ?? 'generation failed'));
    task.observedDoneAt = state.now();
    const data = task.fate === 'empty' ? [] : [{ url: state.imageUrl(task) }];
    return send(res, 200, { created: Math.floor(Date.now() / 1000), data, content_filter: [{ role: 'assistant', level: 3 }] }, { 'x-request-id': task.id });
  },
};
