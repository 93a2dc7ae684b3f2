/**
 * The provider contract suite on fromAiSdk: once on the AI SDK's own
 * MockImageModelV4, once on a real AI SDK provider (@ai-sdk/openai-compatible)
 * over HTTP against a local OpenAI images API.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, type ImageModelV4 } from '@ai-sdk/provider';
import type { ErrorKind, SizeRule } from '@pictor/core';
import { paintPng, toBase64 } from '@pictor/mock';
import { describeProviderContract, type ContractHarness, type ContractScenario } from '@pictor/testing/vitest';
import { MockImageModelV4 } from 'ai/test';
import { fromAiSdk } from '../src/index.ts';
import { startImagesServer } from './openai-images-server.ts';

/** DALL·E 3's sizes, as a rule: the three presets only. */
const DALLE_3_SIZES: SizeRule = { min: 1024, max: 1792, multipleOf: 1024, maxPixels: 1792 * 1024, presets: ['1024x1024', '1792x1024', '1024x1792'], default: '1024x1024' };

const STATUS_FOR: Partial<Record<ErrorKind, number>> = {
  invalid_request: 400,
  authentication: 401,
  insufficient_quota: 402,
  permission: 403,
  not_found: 404,
  rate_limited: 429,
  provider_unavailable: 503,
};
const ERROR_KINDS = Object.keys(STATUS_FOR) as ErrorKind[];
const FAST = { retry: { submit: { minDelayMs: 1, maxDelayMs: 2 }, status: { minDelayMs: 1, maxDelayMs: 2 } } };

describeProviderContract('fromAiSdk(MockImageModelV4)', async (): Promise<ContractHarness> => {
  const png = toBase64(await paintPng(8, 8, 'mock image model', 0));
  let scenario: ContractScenario = { type: 'success' };
  let calls = 0;
  const model: ImageModelV4 = new MockImageModelV4({
    provider: 'acme.image',
    modelId: 'acme-1',
    maxImagesPerCall: 2,
    doGenerate: async ({ n }) => {
      calls++;
      if (scenario.type === 'error') {
        const status = STATUS_FOR[scenario.kind] as number;
        throw new APICallError({ message: `scripted ${status}`, url: 'https://acme.test/images', requestBodyValues: {}, statusCode: status, isRetryable: status === 429 || status >= 500 });
      }
      return {
        images: scenario.type === 'empty' ? [] : Array.from({ length: n }, () => png),
        warnings: [],
        response: { timestamp: new Date(), modelId: 'acme-1', headers: {} },
      };
    },
  });
  const create = () => fromAiSdk(model, { sizes: DALLE_3_SIZES, defaults: FAST });
  return {
    arrange: (next) => {
      scenario = next;
      return create();
    },
    fresh: create,
    submits: () => calls,
    requests: () => calls,
    request: { model: 'acme-1', prompt: 'a contract test' },
    invalidSize: '100x100',
    errorKinds: ERROR_KINDS,
    async: false,
    fastWait: FAST,
  };
}, { async: false });

describeProviderContract('fromAiSdk(@ai-sdk/openai-compatible) on a local OpenAI images API', async (): Promise<ContractHarness> => {
  const server = await startImagesServer();
  const model = createOpenAICompatible({ name: 'local', baseURL: server.baseURL, apiKey: 'test-key-not-real' }).imageModel('img-1');
  const create = () => fromAiSdk(model, { sizes: DALLE_3_SIZES, defaults: FAST });
  return {
    arrange: (scenario) => {
      if (scenario.type === 'error') server.script({ type: 'error', status: STATUS_FOR[scenario.kind] as number });
      else if (scenario.type === 'empty') server.script({ type: 'empty' });
      else server.script({ type: 'success' });
      return create();
    },
    fresh: create,
    submits: () => server.requests,
    requests: () => server.requests,
    request: { model: 'img-1', prompt: 'a contract test over http' },
    invalidSize: '1000x1000',
    errorKinds: ERROR_KINDS,
    async: false,
    fastWait: FAST,
    cleanup: () => server.close(),
  };
}, { async: false });
