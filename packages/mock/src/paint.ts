/**
 * Deterministic pictures: the same prompt and seed always give the same image,
 * and different prompts give visibly different ones (colours and shapes come
 * from a hash of both), so a test or a demo can tell results apart at a glance.
 */
import { encodePng } from './png.ts';

export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A small seeded generator (mulberry32): the same seed always gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rgb = readonly [number, number, number];

function colour(random: () => number): Rgb {
  return [Math.floor(random() * 256), Math.floor(random() * 256), Math.floor(random() * 256)];
}

export async function paintPng(width: number, height: number, prompt: string, seed = 0): Promise<Uint8Array> {
  const random = seededRandom(hashString(`${prompt}\u0000${seed}`));
  const top = colour(random);
  const bottom = colour(random);
  const discs = Array.from({ length: 3 + Math.floor(random() * 4) }, () => ({
    cx: random() * width,
    cy: random() * height,
    r: (0.08 + random() * 0.2) * Math.min(width, height),
    rgb: colour(random),
  }));
  const band = { y: random() * height, h: (0.03 + random() * 0.06) * height, rgb: colour(random) };
  return encodePng(width, height, (y, out) => {
    const t = height > 1 ? y / (height - 1) : 0;
    const inBand = y >= band.y && y < band.y + band.h;
    const base: Rgb = inBand
      ? band.rgb
      : [
          Math.round(top[0] + (bottom[0] - top[0]) * t),
          Math.round(top[1] + (bottom[1] - top[1]) * t),
          Math.round(top[2] + (bottom[2] - top[2]) * t),
        ];
    for (let x = 0; x < width; x++) {
      out[x * 3] = base[0];
      out[x * 3 + 1] = base[1];
      out[x * 3 + 2] = base[2];
    }
    for (const disc of discs) {
      const dy = y - disc.cy;
      if (Math.abs(dy) >= disc.r) continue;
      const half = Math.sqrt(disc.r * disc.r - dy * dy);
      const from = Math.max(0, Math.ceil(disc.cx - half));
      const to = Math.min(width, Math.floor(disc.cx + half));
      for (let x = from; x < to; x++) {
        out[x * 3] = disc.rgb[0];
        out[x * 3 + 1] = disc.rgb[1];
        out[x * 3 + 2] = disc.rgb[2];
      }
    }
  });
}
