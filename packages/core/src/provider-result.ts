/** Turns an adapter's output into the one normalised ImageResult every provider returns. */
import type { AdapterOutput } from './adapter.ts';
import { costOf } from './cost.ts';
import { invalid, marked, type ProviderContext } from './provider-context.ts';
import { isoAfter, nowIso } from './time.ts';
import type { GeneratedImage, ImageResult, ModelSpec, TaskHandle, Warning } from './types.ts';

export function buildResult(
  context: ProviderContext<any>,
  handle: TaskHandle,
  spec: ModelSpec,
  output: AdapterOutput,
  counts: { statusRequests: number; attempts: number },
): ImageResult {
  const id = context.id;
  if (output.images.length === 0) {
    throw invalid(context, `${id} answered success with no images for ${handle.model}: treated as a failure`, handle);
  }
  const createdAt = output.createdAt ?? nowIso();
  // An unusable createdAt or TTL leaves the expiry unknown rather than throwing "Invalid time value".
  const ttlExpiry = spec.urlTtlMs !== undefined ? isoAfter(createdAt, spec.urlTtlMs) : undefined;
  const images: GeneratedImage[] = output.images.map((image) => ({
    url: image.url,
    mediaType: image.mediaType ?? guessMediaType(image.url),
    width: handle.size.width,
    height: handle.size.height,
    expiresAt: image.expiresAt ?? ttlExpiry,
  }));
  return marked(context, {
    provider: id,
    model: handle.model,
    images,
    size: handle.size,
    quality: handle.quality,
    taskId: handle.mode === 'async' ? handle.taskId : undefined,
    requestId: output.requestId ?? handle.requestId,
    createdAt,
    contentFilter: output.contentFilter,
    warnings: mergedWarnings(handle.warnings, output.warnings),
    cost: costOf(spec, images.length),
    timings: {
      submittedAt: handle.submittedAt,
      completedAt: nowIso(),
      statusRequests: counts.statusRequests,
      attempts: counts.attempts,
    },
    raw: output.raw,
  });
}

function mergedWarnings(fromRequest: readonly Warning[] | undefined, fromOutput: readonly Warning[] | undefined): readonly Warning[] {
  return fromOutput?.length ? [...(fromRequest ?? []), ...fromOutput] : (fromRequest ?? []);
}

/** Media type from a URL's extension or data: prefix, when the provider didn't say. */
export function guessMediaType(url: string): string | undefined {
  const data = /^data:([^;,]+)/.exec(url);
  if (data) return data[1];
  const ext = /\.(png|jpe?g|webp|gif)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  if (!ext) return undefined;
  return ext === 'jpg' || ext === 'jpeg' ? 'image/jpeg' : `image/${ext}`;
}
