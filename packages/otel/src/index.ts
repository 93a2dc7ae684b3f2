// The public surface: set-up, attribute names (for queries and dashboards), traceparent helpers.
export { ATTR, GENERATE_CONTENT, type PictorOperation } from './attributes.ts';
export { createPictorTelemetry, instrument, type PictorTelemetry, type PictorTelemetryOptions } from './telemetry.ts';
export { formatTraceparent, parseTraceparent } from './traceparent.ts';
