/**
 * `@pictor/testing/vitest`: the provider contract suite. Its own entry because it imports vitest,
 * an optional peer dependency: the main entry (fixtures, emulator, harnesses) loads without it.
 */
export { describeProviderContract } from './contract.ts';
export type { ContractOptions } from './contract.ts';
export type { ContractHarness, ContractScenario } from './contract-types.ts';
export { pictorFailure, pictorThrown } from './pictor-failure.ts';
export { replayGenerate } from './replay-generate.ts';
