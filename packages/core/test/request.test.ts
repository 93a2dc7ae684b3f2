import { describe, expect, it } from 'vitest';
import { PictorError, parseImageRequest } from '../src/index.ts';

function kindOf(input: unknown): string {
  try {
    parseImageRequest(input);
  } catch (error) {
    expect(error).toBeInstanceOf(PictorError);
    return `${(error as PictorError).kind}: ${(error as PictorError).message}`;
  }
  return 'ok';
}

describe('ImageRequest schema', () => {
  it('accepts a full request', () => {
    const request = parseImageRequest({
      model: 'glm-image',
      prompt: '  a cat  ',
      size: { width: 1280, height: 1280 },
      quality: 'hd',
      n: 1,
      userId: 'user-123',
      watermark: false,
      seed: 42,
      mode: 'async',
      providerOptions: { zai: { anything: 1 }, novita: {} },
    });
    expect(request.prompt).toBe('a cat');
  });

  it.each([
    [{ prompt: '' }, 'prompt must not be empty'],
    [{ prompt: '   ' }, 'prompt must not be empty'],
    [{ prompt: 'x'.repeat(8001) }, 'prompt'],
    [{ prompt: 'a', userId: 'abc' }, 'userId must be 6-128 characters'],
    [{ prompt: 'a', userId: 'x'.repeat(129) }, 'userId must be 6-128 characters'],
    [{ prompt: 'a', n: 0 }, 'n:'],
    [{ prompt: 'a', n: 1.5 }, 'n:'],
    [{ prompt: 'a', size: 'big' }, 'size must look like'],
    [{ prompt: 'a', aspectRatio: 'wide' }, 'aspectRatio must look like'],
    [{ prompt: 'a', size: '1024x1024', aspectRatio: '1:1' }, 'not both'],
    [{ prompt: 'a', sise: '1024x1024' }, 'sise'],
    [{ prompt: 'a', mode: 'later' }, 'mode'],
    [{ prompt: 'a', seed: -1 }, 'seed'],
    [{ prompt: 'a', providerOptions: { zai: 1 } }, 'providerOptions.zai'],
    [null, 'Invalid image request'],
    ['a string', 'Invalid image request'],
  ])('refuses %j naming the problem', (input, expected) => {
    const outcome = kindOf(input);
    expect(outcome.startsWith('invalid_request')).toBe(true);
    expect(outcome).toContain(expected);
  });
});

describe('prepareRequest: the default size', () => {
  it('is the rule default, parsed once per rule and frozen (calls share it), and follows a default changed in place', async () => {
    const { prepareRequest } = await import('../src/prepare.ts');
    const { testSpec } = await import('./model-spec.ts');
    const spec = testSpec({ id: 'm' });
    const options = { providerId: 'p', models: { m: spec } };
    const first = prepareRequest({ model: 'm', prompt: 'a' }, options);
    const second = prepareRequest({ model: 'm', prompt: 'b' }, options);
    expect(first.size).toEqual(parseSizeText(spec.sizes.default));
    expect(second.size).toBe(first.size);
    expect(Object.isFrozen(first.size)).toBe(true);
    const mutable = { ...spec, sizes: { ...spec.sizes } };
    expect(prepareRequest({ model: 'm', prompt: 'd' }, { providerId: 'p', models: { m: mutable } }).size).toEqual(first.size);
    (mutable.sizes as { default: string }).default = '1024x1024';
    expect(prepareRequest({ model: 'm', prompt: 'e' }, { providerId: 'p', models: { m: mutable } }).size).toEqual({ width: 1024, height: 1024 });
  });
});

function parseSizeText(text: string): { width: number; height: number } {
  const [width, height] = text.split('x').map(Number);
  return { width: width!, height: height! };
}
