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
