import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPngSize } from '@pictor/mock';
import { runDemo } from '../demo.ts';

describe('pnpm demo', () => {
  it('writes a PNG of the resolved size and returns the normalised result', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pictor-demo-'));
    try {
      const { result, saved, events } = await runDemo(dir);
      expect(saved).toHaveLength(1);
      const bytes = new Uint8Array(await readFile(saved[0]!.path));
      expect(readPngSize(bytes)).toEqual({ width: 1728, height: 960 });
      expect(result).toMatchObject({ provider: 'mock', size: { width: 1728, height: 960 } });
      expect(events.map((e) => e.type)).toContain('completed');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
