/** Novita's routes on the emulator: {url}/novita v3/async/glm-image, v3/async/task-result?task_id=. */
import type { ProviderRoutes } from './emulator-routes.ts';

const ENDPOINTS: Readonly<Record<string, 'submit' | 'status'>> = {
  'POST glm-image': 'submit',
  'GET task-result': 'status',
};

export const NOVITA_ROUTES: ProviderRoutes = {
  provider: 'novita',
  prefix: '/novita/v3/async/',
  endpointOf: (method, route) => ENDPOINTS[`${method} ${route}`],
  codes: {
    noRoute: 'API_NOT_FOUND',
    missingKey: 'MISSING_API_KEY',
    badKey: 'INVALID_API_KEY',
    badBody: 'INVALID_REQUEST_BODY',
    noPrompt: 'INVALID_REQUEST_BODY',
    busy: 'RATE_LIMIT_EXCEEDED',
    noTask: 'TASK_NOT_FOUND',
  },
  errorBody: (status, code, message) => ({
    code: status,
    reason: code ?? (status === 429 ? 'RATE_LIMIT_EXCEEDED' : status >= 500 ? 'SERVICE_UNAVAILABLE' : 'INVALID_REQUEST_BODY'),
    message,
    metadata: {},
  }),
  // Novita's ids are UUID-like.
  newTaskId: () => crypto.randomUUID(),
  defaultSize: () => '1280x1280',
  taskIdOf: (_route, query) => query.get('task_id') ?? '',
  submitted: (task) => ({ task_id: task.id }),
  status(task, { done, elapsedMs, imageUrl }) {
    const remaining = Math.max(0, task.durationMs - elapsedMs);
    return {
      extra: { seed: '0' },
      task: {
        task_id: task.id,
        status: !done ? 'TASK_STATUS_PROCESSING' : task.fate === 'failed' ? 'TASK_STATUS_FAILED' : 'TASK_STATUS_SUCCEED',
        reason: done && task.fate === 'failed' ? (task.reason ?? '') : '',
        task_type: 'TXT_TO_IMG',
        // Novita reports whole seconds; the emulator keeps fractions so scaled-down runs stay meaningful.
        eta: done || !Number.isFinite(remaining) ? 0 : Math.round(remaining) / 1000,
        progress_percent: done ? 100 : Number.isFinite(task.durationMs) ? Math.floor((elapsedMs / task.durationMs) * 100) : 0,
      },
      images: done && task.fate === 'ok' ? [{ image_url: imageUrl, image_url_ttl: 3600, image_type: 'png', nsfw_detection_result: {} }] : [],
      videos: [],
      audios: [],
    };
  },
};
