/**
 * Pins the runtime surface of @pictor/core's entry points. Adding or removing an export
 * changes a list below: growing the public API is a visible decision in the diff.
 * (Type-only exports are erased at runtime; the entry files list them by name too.)
 */
import { describe, expect, it } from 'vitest';

const names = async (specifier: string): Promise<string[]> => Object.keys(await import(specifier)).sort();

describe('the public surface of @pictor/core', () => {
  it('@pictor/core exports what an application uses, and nothing else', async () => {
    expect(await names('@pictor/core')).toEqual([
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
      'POLL_PRESETS',
      'PictorError',
      'PriceSchema',
      'TaskHandleSchema',
      'checkSize',
      'collectEvents',
      'createImageClient',
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
      'nearestValidSizes',
      'notFound',
      'parseAspectRatio',
      'parseClientConfig',
      'parseImageRequest',
      'parseSize',
      'parseTaskHandle',
      'resolveAspectRatio',
      'serializeTaskHandle',
      'snapSize',
      'taskFailed',
      'toPictorError',
      'validateSize',
    ]);
  });

  it('@pictor/core/adapter exports what adapters and integrations import', async () => {
    expect(await names('@pictor/core/adapter')).toEqual([
      'BreakerOptionsSchema',
      'FailoverPolicySchema',
      'GLM_MODEL_RULES',
      'PollOptionsSchema',
      'REDACTED',
      'Redactor',
      'RetryOptionsSchema',
      'RetryPolicySchema',
      'StringLike',
      'createHttpClient',
      'createProvider',
      'errorCode',
      'httpProviderDefaults',
      'isoFromEpochMs',
      'isoFromEpochSeconds',
      'kindForStatus',
      'mappingByStatus',
      'outcomeForStatus',
      'parseFactoryOptions',
      'parseJsonLossless',
      'parseRetryAfter',
      'parseWireBody',
      'providerClientOptionsSchema',
      'readEnv',
      'redactSecrets',
      'redactValue',
      'sleep',
      'zodError',
    ]);
  });

  it('@pictor/core/node exports the Node-only helpers', async () => {
    expect(await names('@pictor/core/node')).toEqual(['createPinnedResolver', 'downloadPinned', 'loadClientConfig', 'nodeLookup', 'saveImage', 'saveResult']);
  });

  it('no name is exported by two entry points, and each is the module’s own value', async () => {
    const core = await import('@pictor/core');
    const adapter = await import('@pictor/core/adapter');
    const node = await import('@pictor/core/node');
    const all = [...Object.keys(core), ...Object.keys(adapter), ...Object.keys(node)];
    expect(new Set(all).size).toBe(all.length);
    // The entries re-export the modules' bindings (no copies that could drift).
    expect(core.PictorError).toBe((await import('../src/errors.ts')).PictorError);
    expect(adapter.createProvider).toBe((await import('../src/provider.ts')).createProvider);
    expect(node.saveImage).toBe((await import('../src/node.ts')).saveImage);
  });

  it('internals are reachable from no entry point', async () => {
    const entries = [await import('@pictor/core'), await import('@pictor/core/adapter'), await import('@pictor/core/node')];
    for (const internal of ['withRetry', 'pollUntilDone', 'DelayPlan', 'emit', 'prepareParsedRequest', 'createKyTransport', 'readCappedText', 'Limiter', 'CircuitBreaker', 'localIoError', 'safeFileComponent']) {
      for (const entry of entries) expect(entry).not.toHaveProperty(internal);
    }
  });
});
