export * from './attributes.ts';
export * from './call-trace.ts';
export * from './metrics.ts';
export * from './targets.ts';
export * from './telemetry.ts';
export * from './traceparent.ts';
