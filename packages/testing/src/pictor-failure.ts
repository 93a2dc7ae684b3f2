/** Asserting on a failure: what most error-path tests need first. */
import { PictorError } from '@pictor/core';
import { expect } from 'vitest';

/**
 * Awaits a promise that must reject with a PictorError, and returns that error for assertions on
 * its kind, message and fields; the test fails if the promise resolves or rejects with anything else.
 */
export async function pictorFailure(promise: Promise<unknown>): Promise<PictorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PictorError);
  return error as PictorError;
}

/** The synchronous twin of pictorFailure: runs `build`, which must throw a PictorError, and returns it. */
export function pictorThrown(build: () => unknown): PictorError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(PictorError);
    return error as PictorError;
  }
  throw new Error('expected a PictorError to be thrown, but nothing was');
}
