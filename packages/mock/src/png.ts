/**
 * A minimal PNG encoder (8-bit RGB) on the platform's CompressionStream, so the
 * mock returns real, decodable images on any runtime without a dependency.
 */

const SIGNATURE = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

async function zlibDeflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Encodes RGB pixels, given row by row by `row(y, out)` which fills `out` (width*3 bytes).
 * Rows use PNG's "Sub" filter: flat colour runs become zeros and compress to almost nothing.
 */
export async function encodePng(width: number, height: number, row: (y: number, out: Uint8Array) => void): Promise<Uint8Array> {
  const stride = width * 3;
  const raw = new Uint8Array((stride + 1) * height);
  const line = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    row(y, line);
    const base = y * (stride + 1);
    raw[base] = 1; // filter type Sub
    for (let i = 0; i < stride; i++) {
      raw[base + 1 + i] = (line[i] as number) - (i >= 3 ? (line[i - 3] as number) : 0);
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, adaptive filtering, no interlace
  const idat = await zlibDeflate(raw);
  const parts = [SIGNATURE, chunk('IHDR', header), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Width and height from a PNG's IHDR, or an error if the bytes are not a PNG. */
export function readPngSize(bytes: Uint8Array): { width: number; height: number } {
  const isPng = bytes.length >= 24 && SIGNATURE.every((b, i) => bytes[i] === b);
  if (!isPng || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
    throw new TypeError('Not a PNG image');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

async function zlibInflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Decodes an 8-bit RGB, non-interlaced PNG (what the mock and the emulator serve) into pixels,
 * undoing all five PNG filters: a test can prove an image is real, not just well-headed.
 */
export async function decodePng(bytes: Uint8Array): Promise<{ width: number; height: number; rgb: Uint8Array }> {
  const { width, height } = readPngSize(bytes);
  if (bytes[24] !== 8 || bytes[25] !== 2 || bytes[28] !== 0) throw new TypeError('Only 8-bit RGB non-interlaced PNGs are decoded');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  for (let offset = 8; offset + 8 <= bytes.length; ) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (type === 'IDAT') parts.push(bytes.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const compressed = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  parts.reduce((offset, p) => (compressed.set(p, offset), offset + p.length), 0);
  const raw = await zlibInflate(compressed);
  const stride = width * 3;
  if (raw.length !== (stride + 1) * height) throw new TypeError(`PNG data is ${raw.length} bytes, expected ${(stride + 1) * height}`);
  const rgb = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i] as number;
      const a = i >= 3 ? (rgb[y * stride + i - 3] as number) : 0;
      const b = y > 0 ? (rgb[(y - 1) * stride + i] as number) : 0;
      const c = i >= 3 && y > 0 ? (rgb[(y - 1) * stride + i - 3] as number) : 0;
      let value: number;
      switch (filter) {
        case 0: value = x; break;
        case 1: value = x + a; break;
        case 2: value = x + b; break;
        case 3: value = x + Math.floor((a + b) / 2); break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          value = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default: throw new TypeError(`Unknown PNG filter ${filter} on row ${y}`);
      }
      rgb[y * stride + i] = value & 0xff;
    }
  }
  return { width, height, rgb };
}
