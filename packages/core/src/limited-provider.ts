/**
 * Puts a Limiter in front of a provider. A slot is taken before the submit and held until the
 * task ends: `generate` releases it when it returns; a `submit` keeps it until a `wait` (or a
 * `status` read) of that handle in this process sees the task end, so a task running at the
 * provider keeps counting. A handle resumed here that this process did not submit (another
 * worker's) is counted for as long as it is waited for, without queueing: it is already running.
 *
 * A wait that ends early (aborted, timed out) frees the slot although the task may still run:
 * the alternative, holding it until someone resumes the handle, would leak slots forever. For the
 * same reason a submitted task that nobody waits for (a handle saved for later) frees its slot
 * after `releaseUnwaitedAfterMs` without a wait or status read; a wait, once started, holds it.
 */
import type { Limiter, ReleaseSlot } from './limits.ts';
import type { ImageRequest } from './request.ts';
import type { ImageProvider, TaskHandle } from './types.ts';

interface HeldSlot {
  readonly release: ReleaseSlot;
  /** Frees the slot if no wait starts (see `releaseUnwaitedAfterMs`). */
  expiry: ReturnType<typeof setTimeout> | undefined;
  /** A wait has started: the slot is held until it ends, whatever status reads happen meanwhile. */
  waited: boolean;
}

export function limitProvider(provider: ImageProvider, limiter: Limiter): ImageProvider {
  /** Slots of tasks submitted through `submit` and not yet seen ending, by provider task id. */
  const held = new Map<string, HeldSlot>();
  const modelOf = (request: ImageRequest) => (typeof request?.model === 'string' ? request.model : Object.keys(provider.models)[0]);
  const releaseHeld = (handle: TaskHandle) => {
    const slot = held.get(handle.taskId);
    clearTimeout(slot?.expiry);
    held.delete(handle.taskId);
    slot?.release();
  };
  /** (Re)starts the countdown after which an unwaited task's slot is freed. */
  const expireUnwaited = (handle: TaskHandle) => {
    const slot = held.get(handle.taskId);
    if (!slot || slot.waited) return;
    clearTimeout(slot.expiry);
    slot.expiry = setTimeout(() => held.get(handle.taskId) === slot && releaseHeld(handle), limiter.releaseUnwaitedAfterMs(provider.id, handle.model));
    // A saved handle must not keep the process alive.
    slot.expiry.unref?.();
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
        else {
          held.set(handle.taskId, { release, expiry: undefined, waited: false });
          expireUnwaited(handle);
        }
        return handle;
      } catch (error) {
        release();
        throw error;
      }
    },
    async status(handle, options) {
      const status = await provider.status(handle, options);
      if (status.state === 'succeeded' || status.state === 'failed') releaseHeld(handle);
      else expireUnwaited(handle);
      return status;
    },
    async wait(handle, options) {
      // A started wait holds the slot until the task ends (or the wait gives up): no countdown.
      const slot = held.get(handle?.taskId);
      if (slot) {
        clearTimeout(slot.expiry);
        slot.waited = true;
      }
      const resumed = slot || handle?.result ? undefined : limiter.occupy(provider.id, handle?.model);
      try {
        return await provider.wait(handle, options);
      } finally {
        resumed?.();
        if (handle) releaseHeld(handle);
      }
    },
  };
}
