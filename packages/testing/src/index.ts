export * from './fixtures.ts';
export * from './emulator.ts';
export * from './contract.ts';
export * from './harness.ts';
export * from './durations.ts';
