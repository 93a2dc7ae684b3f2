/**
 * Novita webhooks. Novita POSTs `{ event_type: 'ASYNC_TASK_RESULT', payload: <task-result> }`
 * to `extra.webhook.url` and documents no signature: anyone who learns the URL
 * can post to it. Treat an event as a hint, and confirm it with one task-result
 * read (`confirmNovitaWebhook`) before acting on it.
 */
import { PictorError, invalidRequest, type ImageProvider, type TaskHandle, type TaskStatus } from '@pictor/core';
import { toAdapterStatus } from './status.ts';
import { TaskResult, WebhookEvent } from './wire.ts';

export interface NovitaWebhookEvent {
  readonly taskId: string;
  /** The event's status. `result` is not included: confirm to get a normalised result. */
  readonly status: TaskStatus;
  /** Image URLs the event claims (unverified). */
  readonly imageUrls: readonly string[];
}

/** Parses an ASYNC_TASK_RESULT body (object or JSON text). Anything else is an invalid_request error. */
export function parseNovitaWebhook(body: unknown): NovitaWebhookEvent {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch (error) {
      throw invalid('webhook body is not JSON', error);
    }
  }
  const event = WebhookEvent.safeParse(value);
  if (!event.success) throw invalid('webhook body has no event_type/payload');
  if (event.data.event_type !== 'ASYNC_TASK_RESULT') throw invalid(`unexpected event_type "${event.data.event_type}" (expected ASYNC_TASK_RESULT)`);
  const payload = TaskResult.safeParse(event.data.payload);
  if (!payload.success) throw invalid('webhook payload is not a task result (task.status missing)');
  const taskId = payload.data.task.task_id;
  if (!taskId) throw invalid('webhook payload has no task.task_id');
  const status = toAdapterStatus(payload.data, event.data.payload, taskId);
  return {
    taskId,
    status: { state: status.state, progress: status.progress, etaMs: status.etaMs, error: status.error },
    imageUrls: status.output?.images.map((i) => i.url) ?? [],
  };
}

/**
 * Confirms a webhook by reading the task once from Novita (authenticated),
 * checking the event belongs to the handle. Returns the authoritative status.
 */
export async function confirmNovitaWebhook(provider: ImageProvider, handle: TaskHandle, body: unknown): Promise<TaskStatus> {
  const event = parseNovitaWebhook(body);
  if (event.taskId !== handle.taskId) {
    throw invalid(`webhook is for task ${event.taskId}, not ${handle.taskId}`);
  }
  return provider.status(handle);
}

function invalid(message: string, cause?: unknown): PictorError {
  return invalidRequest(`Novita webhook: ${message}`, { provider: 'novita', cause });
}
