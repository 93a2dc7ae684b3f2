export { createMock, mockOptionsSchema, mockProviderOptionsSchema } from './mock.ts';
export type { MockCall, MockFault, MockModelId, MockModelOverride, MockModelOverrides, MockOptions, MockProvider, MockProviderOptions, MockStage } from './mock.ts';
export type { ScriptedTask } from './scripted-task.ts';
export { paintPng, hashString, seededRandom } from './paint.ts';
export { decodePng, encodePng, readPngSize, toBase64 } from './png.ts';
