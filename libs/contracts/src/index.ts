export * from './openai/chat-completion.types';
export * from './openai/chat-completion.schema';
export * from './openai/embeddings.types';
export * from './errors/gateway-error';
export * from './errors/provider-error';
export * from './errors/zod-error';
export * from './queues';
export * from './rag/rag-request.schema';
