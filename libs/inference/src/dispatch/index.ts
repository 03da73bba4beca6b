export * from './local-dispatcher';
export * from './local-job-errors';
export * from './in-process-dispatcher';
export * from './bullmq-dispatcher';
export * from './local-queues';
export * from './job-result-stream';
export * from './job-cancellation';
export * from './create-local-dispatcher';
