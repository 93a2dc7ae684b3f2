/**
 * Pins the runtime surface of `pictor` and `pictor/node`: @pictor/core's public entry plus
 * the built-in providers. Adding or removing an export changes a list below.
 */
import { describe, expect, it } from 'vitest';

const names = async (specifier: string): Promise<string[]> => Object.keys(await import(specifier)).sort();

describe('the public surface of pictor', () => {
  it('pictor exports @pictor/core’s public API, the built-in providers and the wired client', async () => {
    expect(await names('pictor')).toEqual([
      'COGVIEW_4_SIZES',
      'ClientConfigSchema',
      'DEFAULT_DOWNLOAD_TIMEOUT_MS',
      'DEFAULT_FAILOVER_ON',
      'DEFAULT_MAX_DOWNLOAD_BYTES',
      'DEFAULT_MAX_REDIRECTS',
      'DEFAULT_POLL',
      'DEFAULT_RETRY',
      'DurationRegistry',
      'DurationSketch',
      'ERROR_KINDS',
      'GLM_IMAGE_SIZES',
      'ImageRequestSchema',
      'ImageResultSchema',
      'LimitSchema',
      'LimitsSchema',
      'MAX_PROMPT_LENGTH',
      'NOVITA_MODELS',
      'POLL_PRESETS',
      'PictorError',
      'PriceSchema',
      'TaskHandleSchema',
      'ZAI_MODELS',
      'builtInProviders',
      'checkSize',
      'collectEvents',
      'confirmNovitaWebhook',
      'createImageClient',
      'createMock',
      'createNovita',
      'createZai',
      'defaultClientConfig',
      'defaultShouldRetry',
      'describeRule',
      'download',
      'estimateCost',
      'failover',
      'formatCost',
      'formatSize',
      'invalidRequest',
      'invalidResponse',
      'isPictorError',
      'isPreset',
      'isValidSize',
      'mockOptionsSchema',
      'nearestValidSizes',
      'notFound',
      'novitaOptionsSchema',
      'parseAspectRatio',
      'parseClientConfig',
      'parseImageRequest',
      'parseNovitaWebhook',
      'parseSize',
      'parseTaskHandle',
      'resolveAspectRatio',
      'serializeTaskHandle',
      'snapSize',
      'taskFailed',
      'toPictorError',
      'validateSize',
      'zaiOptionsSchema',
    ]);
  });

  it('pictor/node exports the Node-only helpers', async () => {
    expect(await names('pictor/node')).toEqual(['createPinnedResolver', 'loadClientConfig', 'nodeLookup', 'saveImage', 'saveResult']);
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
