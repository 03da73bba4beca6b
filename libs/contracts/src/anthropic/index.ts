export * from './messages-request.schema';
export * from './messages-response.types';
export * from './anthropic-passthrough';
export * from './message-events';
export * from './common-messages-request';
