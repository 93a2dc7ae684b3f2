/**
 * Pins the runtime surface of `pictor` and `pictor/node`: @pictor/core's public entry plus
 * the built-in providers. Adding or removing an export changes a list below.
 */
import { describe, expect, it } from 'vitest';

const names = async (specifier: string): Promise<string[]> => Object.keys(await import(specifier)).sort();

describe('the public surface of pictor', () => {
  it('pictor exports @pictor/core’s public API, the built-in providers and the wired client', async () => {
    // Core's own names are pinned by packages/core/test/public-surface.test.ts, and the last test
    // below checks that pictor re-exports each of them: this list pins what pictor adds.
    const core = new Set(await names('@pictor/core'));
    expect((await names('pictor')).filter((name) => !core.has(name))).toEqual([
      'NOVITA_MODELS',
      'ZAI_MODELS',
      'builtInProviders',
      'confirmNovitaWebhook',
      'createMock',
      'createNovita',
      'createZai',
      'defaultClientConfig',
      'mockOptionsSchema',
      'novitaOptionsSchema',
      'parseNovitaWebhook',
      'zaiOptionsSchema',
    ]);
  });

  it('pictor/node exports the Node-only helpers', async () => {
    expect(await names('pictor/node')).toEqual(['createPinnedResolver', 'downloadPinned', 'loadClientConfig', 'nodeLookup', 'saveImage', 'saveResult']);
  });

  it('re-exports every public name of @pictor/core, none of the adapter API, and its own createImageClient', async () => {
    const pictor = await import('pictor');
    const core = await import('@pictor/core');
    for (const [name, value] of Object.entries(core)) {
      if (name !== 'createImageClient') expect(pictor, name).toHaveProperty(name, value);
    }
    for (const name of Object.keys(await import('@pictor/core/adapter'))) expect(pictor).not.toHaveProperty(name);
    // pictor's createImageClient has the built-in providers wired in (core's takes a registry).
    expect(pictor.createImageClient).not.toBe(core.createImageClient);
    expect(pictor.createImageClient({ model: 'mock:glm-image' }).candidates).toEqual(['mock:glm-image']);
  });
});
