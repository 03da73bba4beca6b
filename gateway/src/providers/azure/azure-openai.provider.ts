import type { ProviderConfig } from '@app/config';
import { OpenAICompatibleProvider } from '../openai-compatible/openai-compatible.provider';
import {
  OpenAIHttpClient,
  upstreamBaseUrl,
  type OpenAIOperation,
} from '../openai-compatible/openai-http-client';

/** The API version used when AZURE_OPENAI_API_VERSION is not set. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/**
 * Azure OpenAI: the OpenAI wire format behind deployment URLs
 * (`{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…`, as the `openai`
 * SDK's AzureOpenAI client builds them) and an `api-key` header. Everything else is the
 * OpenAI-compatible adapter.
 */
export function createAzureOpenAIProvider(
  config: ProviderConfig,
  options: { timeoutMs: number },
): OpenAICompatibleProvider {
  const deployment = encodeURIComponent(String(config.options.deployment ?? config.defaultModel));
  const apiVersion = encodeURIComponent(
    String(config.options.apiVersion ?? DEFAULT_AZURE_API_VERSION),
  );
  const basePath = new URL(upstreamBaseUrl(config)).pathname.replace(/\/+$/, '');
  const pathFor = (operation: OpenAIOperation) =>
    operation === 'models'
      ? `${basePath}/openai/models?api-version=${apiVersion}`
      : `${basePath}/openai/deployments/${deployment}/${operation}?api-version=${apiVersion}`;
  const client = new OpenAIHttpClient({
    baseUrl: upstreamBaseUrl(config),
    timeoutMs: options.timeoutMs,
    headers: { ...(config.apiKey ? { 'api-key': config.apiKey } : {}), ...config.headers },
    pathFor,
  });
  return new OpenAICompatibleProvider(config, { timeoutMs: options.timeoutMs, client });
}
