export * from './tracing';
export { NOOP_SPAN, NOOP_TRACING } from './noop-tracing';
export { createTracing } from './create-tracing';
export * from './gen-ai-attributes';

/** Nest injection token of the app's `Tracing`. */
export const TRACING = Symbol('TRACING');
export { withSpan } from './with-span';
