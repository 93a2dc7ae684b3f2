export * from './create-pictor.ts';
export * from './image-model.ts';
export * from './from-ai-sdk.ts';
export * from './options.ts';
export * from './warnings.ts';
export * from './to-sdk-error.ts';
export { pictorMetadata } from './metadata.ts';
export * from './v3.ts';
