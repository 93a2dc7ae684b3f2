import { describe, expect, it } from 'vitest';
import { createImageClient, PictorError } from 'pictor';

describe('adversarial project', () => {
  it('rejects (never throws synchronously) for an unknown model', async () => {
    const client = createImageClient({ model: 'mock:glm-image' });
    let pending: Promise<unknown> | undefined;
    expect(() => { pending = client.generate({ model: 'mock:nope', prompt: 'x' }); }).not.toThrow();
    await expect(pending).rejects.toBeInstanceOf(PictorError);
    await expect(client.submit({ model: 'mock:nope', prompt: 'x' })).rejects.toMatchObject({ kind: 'invalid_request' });
  });
});
