/**
 * Attribute names: OpenTelemetry's GenAI semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/), HTTP ones, and the
 * gateway's own under `gateway.*`. Kept as plain strings: the incubating semantic-conventions
 * entry point is large and changes between releases.
 */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  finishReasons: 'gen_ai.response.finish_reasons',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  dataSourceId: 'gen_ai.data_source.id',
} as const;

export const ERROR_TYPE = 'error.type';

export const HTTP = {
  method: 'http.request.method',
  route: 'http.route',
  path: 'url.path',
  status: 'http.response.status_code',
} as const;

export const GATEWAY = {
  requestId: 'gateway.request_id',
  tenantId: 'gateway.tenant_id',
  api: 'gateway.api',
  cacheResult: 'gateway.cache.result',
  attempts: 'gateway.attempts',
  costUsd: 'gateway.cost_usd',
  providerId: 'gateway.provider.id',
  attempt: 'gateway.attempt.number',
  outcome: 'gateway.attempt.outcome',
  retryDelayMs: 'gateway.retry.delay_ms',
  breakerState: 'gateway.circuit.state',
  route: 'gateway.route.alias',
  routeTargets: 'gateway.route.targets',
  limited: 'gateway.limit.exceeded',
  queue: 'messaging.destination.name',
  jobId: 'messaging.message.id',
  jobAttempt: 'gateway.job.attempt',
  ragOperation: 'gateway.rag.operation',
} as const;

/**
 * `gen_ai.provider.name` for a gateway provider type: the convention's well-known values where
 * one exists, else the type itself.
 */
export function genAiProviderName(type: string): string {
  switch (type) {
    case 'anthropic':
      return 'anthropic';
    case 'gemini':
      return 'gcp.gemini';
    case 'bedrock':
      return 'aws.bedrock';
    case 'azure':
      return 'azure.ai.openai';
    case 'openai-compatible':
      return 'openai';
    default:
      return type;
  }
}
