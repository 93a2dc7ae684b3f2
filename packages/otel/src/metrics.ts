/**
 * The metric instruments, created once per meter. Every value is recorded when a call ends.
 * Attribute sets stay small (provider, model, operation, error kind) to keep cardinality bounded:
 * no task ids, no prompts.
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { TaskStatus } from '@pictor/core';
import { ATTR, GENERATE_CONTENT, type PictorOperation } from './attributes.ts';

/** The GenAI conventions' advised buckets (seconds), extended to ten minutes: images take longer than text. */
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92, 163.84, 327.68, 655.36];
const STATUS_READ_BUCKETS = [0, 1, 2, 3, 4, 5, 8, 13, 21, 34, 55];

/** How a call ended (its result or its error, as a finished TaskStatus carries them), and where and how long it ran. */
export type CallOutcome = Pick<TaskStatus, 'result' | 'error'> & {
  readonly operation: PictorOperation;
  readonly provider: string;
  readonly model: string;
  readonly durationMs: number;
  /** Status reads made for the task, when one was accepted. */
  readonly statusReads?: number | undefined;
};

export class PictorMetrics {
  private readonly duration: Histogram;
  private readonly generations: Counter;
  private readonly images: Counter;
  private readonly statusReads: Histogram;
  private readonly cost: Counter;

  constructor(meter: Meter) {
    this.duration = meter.createHistogram('gen_ai.client.operation.duration', {
      description: 'Duration of Pictor calls (generate, submit, wait, status)',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.generations = meter.createCounter('pictor.generations', { description: 'Generations that ended (generate or a resumed wait), by outcome', unit: '{generation}' });
    this.images = meter.createCounter('pictor.images', { description: 'Images returned', unit: '{image}' });
    this.statusReads = meter.createHistogram('pictor.status_requests', {
      description: 'Status reads per task',
      unit: '{request}',
      advice: { explicitBucketBoundaries: STATUS_READ_BUCKETS },
    });
    this.cost = meter.createCounter('pictor.cost', { description: 'USD billed, only when a price is known (published or configured)', unit: '{USD}' });
  }

  record(outcome: CallOutcome): void {
    const { result, error } = outcome;
    const base: Attributes = {
      [ATTR.providerName]: result?.provider ?? outcome.provider,
      [ATTR.requestModel]: outcome.model,
      [ATTR.operation]: outcome.operation,
    };
    const withError: Attributes = error ? { ...base, [ATTR.errorType]: error.kind } : base;
    this.duration.record(outcome.durationMs / 1000, {
      ...withError,
      ...(outcome.operation === 'status' ? {} : { [ATTR.operationName]: GENERATE_CONTENT }),
    });
    const ends = outcome.operation === 'generate' || outcome.operation === 'wait';
    if (!ends) return;
    this.generations.add(1, withError);
    if (outcome.statusReads !== undefined) this.statusReads.record(outcome.statusReads, withError);
    if (!result) return;
    this.images.add(result.images.length, base);
    if (result.cost.usd !== undefined) this.cost.add(result.cost.usd, { ...base, [ATTR.costBasis]: result.cost.basis });
  }
}
