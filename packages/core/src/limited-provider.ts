/**
 * Puts a Limiter in front of a provider. A slot is taken before the submit and held until the
 * task ends: `generate` releases it when it returns; a `submit` keeps it until a `wait` (or a
 * `status` read) of that handle in this process sees the task end, so a task running at the
 * provider keeps counting. A handle resumed here that this process did not submit (another
 * worker's) is counted for as long as it is waited for, without queueing: it is already running.
 *
 * A wait that ends early (aborted, timed out) frees the slot although the task may still run:
 * the alternative, holding it until someone resumes the handle, would leak slots forever.
 */
import type { Limiter, ReleaseSlot } from './limits.ts';
import type { ImageRequest } from './request.ts';
import type { ImageProvider, TaskHandle } from './types.ts';

export function limitProvider(provider: ImageProvider, limiter: Limiter): ImageProvider {
  /** Slots of tasks submitted through `submit` and not yet seen ending, by provider task id. */
  const held = new Map<string, ReleaseSlot>();
  const modelOf = (request: ImageRequest) => (typeof request?.model === 'string' ? request.model : Object.keys(provider.models)[0]);
  const releaseHeld = (handle: TaskHandle) => {
    held.get(handle.taskId)?.();
    held.delete(handle.taskId);
  };

  return {
    id: provider.id,
    models: provider.models,
    async generate(request, options) {
      const release = await limiter.acquire(provider.id, modelOf(request), options);
      try {
        return await provider.generate(request, options);
      } finally {
        release();
      }
    },
    async submit(request, options) {
      const release = await limiter.acquire(provider.id, modelOf(request), options);
      try {
        const handle = await provider.submit(request, options);
        // A sync model's handle already carries the result: the task has ended.
        if (handle.result) release();
        else held.set(handle.taskId, release);
        return handle;
      } catch (error) {
        release();
        throw error;
      }
    },
    async status(handle, options) {
      const status = await provider.status(handle, options);
      if (status.state === 'succeeded' || status.state === 'failed') releaseHeld(handle);
      return status;
    },
    async wait(handle, options) {
      const resumed = held.has(handle?.taskId) || handle?.result ? undefined : limiter.occupy(provider.id, handle?.model);
      try {
        return await provider.wait(handle, options);
      } finally {
        resumed?.();
        if (handle) releaseHeld(handle);
      }
    },
  };
}
