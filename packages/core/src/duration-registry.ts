/**
 * The learned duration sketches of one client (or provider instance), keyed by
 * provider + model. Never a process-wide global: each createProvider gets its own
 * unless one is passed in, so tests and tenants don't leak into each other.
 * `snapshot()` / `merge()` let a fleet share what it learned (e.g. through Redis).
 */
import { z } from 'zod';
import { DurationSketch, sketchSnapshotSchema, type DurationSketchOptions } from './durations.ts';
import { zodError } from './request.ts';

/** At most this many provider+model sketches (a hostile snapshot cannot grow memory beyond it). */
export const MAX_SKETCHES = 256;

export const registrySnapshotSchema = z
  .object({
    version: z.literal(1),
    sketches: z.record(z.string().max(200), sketchSnapshotSchema).refine((r) => Object.keys(r).length <= MAX_SKETCHES, {
      message: `at most ${MAX_SKETCHES} sketches`,
    }),
  })
  .strict();

export type DurationRegistrySnapshot = z.infer<typeof registrySnapshotSchema>;

const keyOf = (provider: string, model: string) => `${provider}:${model}`;

export class DurationRegistry {
  private readonly sketches = new Map<string, DurationSketch>();
  private readonly options: DurationSketchOptions;

  /** `options` apply to every sketch this registry creates. */
  constructor(options: DurationSketchOptions = {}) {
    this.options = options;
  }

  /** The sketch for provider+model, created from the model's typical duration on first use. */
  sketch(provider: string, model: string, typicalDurationMs: number): DurationSketch {
    const key = keyOf(provider, model);
    let sketch = this.sketches.get(key);
    if (!sketch) {
      sketch = new DurationSketch(typicalDurationMs, this.options);
      this.remember(key, sketch);
    }
    return sketch;
  }

  /** A JSON-safe copy of everything learned, to save or share. */
  snapshot(): DurationRegistrySnapshot {
    return { version: 1, sketches: Object.fromEntries([...this.sketches].map(([key, sketch]) => [key, sketch.toJSON()])) };
  }

  /**
   * Adds a snapshot's weights to this registry's (untrusted input: validated first; a bad
   * snapshot is an invalid_request error and changes nothing).
   */
  merge(input: unknown): void {
    const parsed = registrySnapshotSchema.safeParse(input);
    if (!parsed.success) throw zodError('Invalid duration registry snapshot', parsed.error);
    for (const [key, snapshot] of Object.entries(parsed.data.sketches)) {
      const existing = this.sketches.get(key);
      if (existing) existing.merge(snapshot);
      else this.remember(key, DurationSketch.fromJSON(snapshot, this.options));
    }
  }

  static fromJSON(input: unknown, options: DurationSketchOptions = {}): DurationRegistry {
    const registry = new DurationRegistry(options);
    registry.merge(input);
    return registry;
  }

  get size(): number {
    return this.sketches.size;
  }

  /** Keeps at most MAX_SKETCHES, dropping the least recently created. */
  private remember(key: string, sketch: DurationSketch): void {
    if (this.sketches.size >= MAX_SKETCHES) this.sketches.delete(this.sketches.keys().next().value as string);
    this.sketches.set(key, sketch);
  }
}
