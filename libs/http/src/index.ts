/** The HTTP edge the gateway and the worker share: OpenAI-shaped errors, body validation, SSE. */
export * from './openai-exception.filter';
export * from './parse-body';
export * from './sse-writer';
export * from './abort-source';
export * from './client-abort-signal';
export * from './http-edge';
export * from './json-depth-guard';
export * from './in-flight-requests';
export * from './request-credentials';
export * from './error-dialects';
export * from './json-text';
