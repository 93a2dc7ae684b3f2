export * from './fixtures.ts';
export * from './emulator.ts';
export * from './harness.ts';
export type { ContractHarness, ContractScenario } from './contract-types.ts';
export * from './bundled.ts';
export * from './durations.ts';
