/**
 * The one size-validation module every provider uses. A model's size rule is
 * data (ModelSpec.sizes); this module validates, parses, resolves aspect ratios
 * and snaps to the nearest valid size. Presets are valid by definition: glm-image's
 * own 1728x960 breaks its 1024 px minimum, and the provider accepts it.
 */
import { PictorError, invalidRequest } from './errors.ts';

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface SizeRule {
  /** Smallest allowed side for a custom size, in px. */
  readonly min: number;
  /** Largest allowed side for a custom size, in px. */
  readonly max: number;
  /** Both sides of a custom size must be divisible by this. */
  readonly multipleOf: number;
  /** Upper bound on width x height for a custom size. */
  readonly maxPixels: number;
  /** Recommended sizes, always accepted, as 'WxH'. */
  readonly presets: readonly string[];
  /** The size used when a request gives neither size nor aspect ratio. */
  readonly default: string;
}

export type SizeRuleName = 'format' | 'min' | 'max' | 'multipleOf' | 'maxPixels';

export interface SizeViolation {
  readonly rule: SizeRuleName;
  readonly message: string;
}

// Each model's grid on one line (sides from min to max px, in steps of multipleOf, at most maxPixels),
// then the documented presets (../shared/seeds/zai-*.md).
export const GLM_IMAGE_SIZES: SizeRule = {
  min: 1024, max: 2048, multipleOf: 32, maxPixels: 2 ** 22,
  presets: ['1280x1280', '1568x1056', '1056x1568', '1472x1088', '1088x1472', '1728x960', '960x1728'],
  default: '1280x1280',
};

export const COGVIEW_4_SIZES: SizeRule = {
  min: 512, max: 2048, multipleOf: 16, maxPixels: 2 ** 21,
  presets: ['1024x1024', '768x1344', '864x1152', '1344x768', '1152x864', '1440x720', '720x1440'],
  default: '1024x1024',
};

const SIZE_PATTERN = /^\s*(\d{1,6})\s*[x×*]\s*(\d{1,6})\s*$/i;

export function formatSize(size: Size): string {
  return `${size.width}x${size.height}`;
}

/** Parses 'WxH' or {width,height} into a Size; anything else is an invalid_request error. */
export function parseSize(input: unknown): Size {
  if (typeof input === 'string') {
    const match = SIZE_PATTERN.exec(input);
    if (match) return checkPositive({ width: Number(match[1]), height: Number(match[2]) }, input);
    throw sizeError(`size "${input}" is not of the form WxH (for example "1024x1024")`, 'format');
  }
  if (input && typeof input === 'object' && 'width' in input && 'height' in input) {
    const { width, height } = input as { width: unknown; height: unknown };
    if (typeof width === 'number' && typeof height === 'number') {
      return checkPositive({ width, height }, `${width}x${height}`);
    }
  }
  throw sizeError(`size must be "WxH" or {width, height} with whole numbers, got ${describe(input)}`, 'format');
}

function checkPositive(size: Size, shown: string): Size {
  if (!Number.isSafeInteger(size.width) || !Number.isSafeInteger(size.height) || size.width <= 0 || size.height <= 0) {
    throw sizeError(`size ${shown} must have positive whole-number sides`, 'format');
  }
  return size;
}

export function isPreset(size: Size, rule: SizeRule): boolean {
  return rule.presets.includes(formatSize(size));
}

/** Every rule a size breaks (empty when valid). Presets break none. */
export function checkSize(size: Size, rule: SizeRule): SizeViolation[] {
  if (isPreset(size, rule)) return [];
  const violations: SizeViolation[] = [];
  const shown = formatSize(size);
  for (const [side, value] of [['width', size.width], ['height', size.height]] as const) {
    if (value < rule.min) violations.push({ rule: 'min', message: `${side} ${value} is below the minimum of ${rule.min} px` });
    if (value > rule.max) violations.push({ rule: 'max', message: `${side} ${value} is above the maximum of ${rule.max} px` });
    if (value % rule.multipleOf !== 0) {
      violations.push({ rule: 'multipleOf', message: `${side} ${value} is not a multiple of ${rule.multipleOf}` });
    }
  }
  const pixels = size.width * size.height;
  if (pixels > rule.maxPixels) {
    violations.push({ rule: 'maxPixels', message: `${shown} has ${pixels} px, above the maximum of ${rule.maxPixels}` });
  }
  return violations;
}

export function isValidSize(size: Size, rule: SizeRule): boolean {
  return checkSize(size, rule).length === 0;
}

export function describeRule(rule: SizeRule): string {
  return (
    `sides ${rule.min}-${rule.max} px, multiples of ${rule.multipleOf}, at most ${rule.maxPixels} px in all; ` +
    `presets ${rule.presets.join(', ')}`
  );
}

/** Validates a size against a rule; the error names every broken rule and the nearest valid sizes. */
export function validateSize(input: unknown, rule: SizeRule, model?: string): Size {
  const size = parseSize(input);
  const violations = checkSize(size, rule);
  if (violations.length === 0) return size;
  const nearest = nearestValidSizes(size, rule).map(formatSize);
  const first = violations[0] as SizeViolation;
  throw sizeError(
    `size ${formatSize(size)} is not valid${model ? ` for ${model}` : ''}: ${violations.map((v) => v.message).join('; ')}. ` +
      `Nearest valid sizes: ${nearest.join(', ')}. Rule: ${describeRule(rule)}`,
    first.rule,
    { violations, nearest, size: formatSize(size) },
  );
}

/** The closest size satisfying the custom rule, keeping the aspect ratio as far as the rule allows. */
export function snapSize(input: Size, rule: SizeRule): Size {
  if (isValidSize(input, rule)) return { width: input.width, height: input.height };
  const m = rule.multipleOf;
  const lo = Math.ceil(rule.min / m) * m;
  const hi = Math.floor(rule.max / m) * m;
  const clamp = (v: number) => Math.min(hi, Math.max(lo, Math.round(v / m) * m));
  let width = clamp(input.width);
  let height = clamp(input.height);
  if (width * height > rule.maxPixels) {
    const scale = Math.sqrt(rule.maxPixels / (width * height));
    width = Math.max(lo, Math.floor((width * scale) / m) * m);
    height = Math.max(lo, Math.floor((height * scale) / m) * m);
    // Flooring both sides keeps the area under the cap unless a side hit the minimum.
    while (width * height > rule.maxPixels && (width > lo || height > lo)) {
      if (width >= height) width -= m;
      else height -= m;
    }
  }
  const snapped = { width, height };
  if (isValidSize(snapped, rule)) return snapped;
  // The custom rule cannot be met (a degenerate rule): fall back to the closest preset.
  return nearestPreset(input, rule);
}

function distance(a: Size, b: Size): number {
  // Aspect-ratio difference dominates: a user who asked for 16:9 wants 16:9 first.
  const ratio = Math.abs(Math.log(a.width / a.height) - Math.log(b.width / b.height));
  const area = Math.abs(Math.log((a.width * a.height) / (b.width * b.height)));
  return ratio * 4 + area;
}

function nearestPreset(target: Size, rule: SizeRule): Size {
  const presets = rule.presets.map((p) => parseSize(p));
  presets.sort((a, b) => distance(a, target) - distance(b, target));
  const best = presets[0] ?? parseSize(rule.default);
  return best;
}

/** Up to `count` valid sizes closest to the given one: its snapped form first, then presets. */
export function nearestValidSizes(target: Size, rule: SizeRule, count = 3): Size[] {
  const candidates = [snapSize(target, rule), ...rule.presets.map((p) => parseSize(p))];
  const seen = new Set<string>();
  return candidates
    .sort((a, b) => distance(a, target) - distance(b, target))
    .filter((s) => {
      const key = formatSize(s);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, count);
}

const RATIO_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/;

/** Parses 'W:H' into a positive ratio (width / height). */
export function parseAspectRatio(input: unknown): number {
  const match = typeof input === 'string' ? RATIO_PATTERN.exec(input) : null;
  const w = match ? Number(match[1]) : NaN;
  const h = match ? Number(match[2]) : NaN;
  if (!(w > 0 && h > 0 && Number.isFinite(w / h))) {
    throw sizeError(`aspectRatio must be "W:H" with positive numbers (for example "16:9"), got ${describe(input)}`, 'format');
  }
  const ratio = w / h;
  if (ratio > 16 || ratio < 1 / 16) {
    throw sizeError(`aspectRatio ${String(input)} is too extreme: use a ratio between 1:16 and 16:1`, 'format');
  }
  return ratio;
}

/**
 * Resolves an aspect ratio to a size: the preset with that ratio (within 2%)
 * when there is one, else the valid size nearest that ratio at the default's area.
 */
export function resolveAspectRatio(input: string, rule: SizeRule): Size {
  const ratio = parseAspectRatio(input);
  const presets = rule.presets.map((p) => parseSize(p));
  const matching = presets.filter((p) => Math.abs(Math.log(p.width / p.height / ratio)) < 0.02);
  if (matching.length > 0) return matching[0] as Size;
  const base = parseSize(rule.default);
  const area = base.width * base.height;
  const width = Math.sqrt(area * ratio);
  return snapSize({ width: Math.round(width), height: Math.round(width / ratio) }, rule);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function sizeError(message: string, rule: SizeRuleName, details?: Record<string, unknown>): PictorError {
  return invalidRequest(message, { details: { rule, ...details } });
}
