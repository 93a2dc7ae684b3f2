/**
 * One task-result body to an AdapterStatus. Shared by polling and by the
 * webhook helper, whose payload is the same document.
 */
import { PictorError, invalidResponse } from '@pictor/core';
import { isoFromEpochMs, type AdapterImage, type AdapterStatus } from '@pictor/core/adapter';
import type { TaskResultBody } from './wire.ts';

const MEDIA_TYPES: Readonly<Record<string, string>> = { jpeg: 'image/jpeg', jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

export function toAdapterStatus(body: TaskResultBody, raw: unknown, taskId: string, now: number = Date.now()): AdapterStatus {
  const { task } = body;
  const status = task.status.toUpperCase();
  const progress = task.progress_percent !== undefined && task.progress_percent > 0 ? Math.min(100, task.progress_percent) : undefined;
  const etaMs = task.eta !== undefined && task.eta > 0 ? task.eta * 1000 : undefined;
  switch (status) {
    case 'TASK_STATUS_QUEUED':
      return { state: 'queued', progress, etaMs, raw };
    case 'TASK_STATUS_PROCESSING':
      return { state: 'running', progress, etaMs, raw };
    case 'TASK_STATUS_SUCCEED':
      return { state: 'succeeded', output: { images: toImages(body, now), raw }, raw };
    case 'TASK_STATUS_FAILED': {
      const reason = task.reason?.trim();
      return {
        state: 'failed',
        error: new PictorError({
          kind: /ILLEGAL|NSFW/i.test(reason ?? '') ? 'content_filtered' : 'task_failed',
          provider: 'novita',
          providerCode: reason || undefined,
          message: `Novita task ${taskId} failed${reason ? `: ${reason}` : ' (no reason given)'}`,
        }),
        raw,
      };
    }
    default:
      // TASK_STATUS_UNKNOWN (known to Novita's JS SDK) or anything new: a typed error, never a silent hang.
      throw invalidResponse(`Novita returned status "${task.status}" for task ${taskId}; expected TASK_STATUS_QUEUED, _PROCESSING, _SUCCEED or _FAILED`, {
        provider: 'novita',
      });
  }
}

function toImages(body: TaskResultBody, now: number): AdapterImage[] {
  return (body.images ?? []).flatMap((image) => {
    if (!image.image_url) return [];
    const ttl = image.image_url_ttl;
    return [
      {
        url: image.image_url,
        mediaType: image.image_type ? (MEDIA_TYPES[image.image_type.toLowerCase()] ?? `image/${image.image_type.toLowerCase()}`) : undefined,
        // Presigned URL: valid for image_url_ttl seconds from now (typically 3600).
        // An absurd TTL (1e20 s) leaves the expiry unknown instead of "Invalid time value".
        expiresAt: ttl !== undefined && ttl > 0 ? isoFromEpochMs(now + ttl * 1000) : undefined,
      },
    ];
  });
}
