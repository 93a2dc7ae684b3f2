/**
 * What a result cost, and on what basis. A price is data: the model's published price
 * (ModelSpec.pricePerImageUsd) unless the deployment configured its own (client config `prices`:
 * prices change and contracts differ). With neither, the cost is `unknown` with `usd: undefined`:
 * never a silent 0 that a dashboard would sum as free.
 */
import { z } from 'zod';
import type { Cost, ImageResult, ModelSpec } from './types.ts';

/** One model's price for this deployment. */
export const PriceSchema = z
  .object({
    /** USD billed per image returned. */
    usdPerImage: z.number().finite().min(0),
  })
  .strict();

export type Price = z.infer<typeof PriceSchema>;

/** Prices by 'provider:model'. */
export type PriceTable = Readonly<Record<string, Price>>;

/** Rounds to a millionth of a dollar, so 3 x 0.015 is 0.045 and not 0.045000000000000005. */
const roundUsd = (usd: number) => Math.round(usd * 1e6) / 1e6;

/**
 * The cost of `images` images of a model: the configured price wins, then the published one;
 * with neither, `{ basis: 'unknown', usd: undefined }`.
 */
export function costOf(spec: Pick<ModelSpec, 'pricePerImageUsd'>, images: number, configured?: Price | undefined): Cost {
  if (configured) return { images, basis: 'configured', usdPerImage: configured.usdPerImage, usd: roundUsd(configured.usdPerImage * images) };
  const published = spec.pricePerImageUsd;
  if (published === undefined) return { images, basis: 'unknown', usdPerImage: undefined, usd: undefined };
  return { images, basis: 'published', usdPerImage: published, usd: roundUsd(published * images) };
}

/** The result re-priced with the deployment's price for its model, or the result itself when none is configured. */
export function applyPrice(result: ImageResult, prices: PriceTable): ImageResult {
  const price = prices[`${result.provider}:${result.model}`];
  if (!price) return result;
  return { ...result, cost: costOf({}, result.cost.images, price) };
}

/** One line for people: "$0.03 (2 images at $0.015, published)", or "unknown (no published or configured price for 2 images)". */
export function formatCost(cost: Cost): string {
  const images = `${cost.images} image${cost.images === 1 ? '' : 's'}`;
  if (cost.basis === 'unknown') return `unknown (no published or configured price for ${images})`;
  return `$${cost.usd} (${images} at $${cost.usdPerImage}, ${cost.basis})`;
}
