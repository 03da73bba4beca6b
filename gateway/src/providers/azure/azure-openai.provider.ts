import { AzureOpenAI } from 'openai';
import type { ProviderConfig } from '@app/config';
import { OpenAICompatibleProvider } from '../openai-compatible/openai-compatible.provider';

/** The API version used when AZURE_OPENAI_API_VERSION is not set. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/**
 * Azure OpenAI: the OpenAI wire format behind deployment URLs and an `api-key` header, which the
 * `openai` SDK's AzureOpenAI client builds. Everything else is the OpenAI-compatible adapter.
 */
export function createAzureOpenAIProvider(
  config: ProviderConfig,
  options: { timeoutMs: number },
): OpenAICompatibleProvider {
  const deployment = String(config.options.deployment ?? config.defaultModel);
  const client = new AzureOpenAI({
    endpoint: config.baseUrl,
    apiKey: config.apiKey,
    deployment,
    apiVersion: String(config.options.apiVersion ?? DEFAULT_AZURE_API_VERSION),
    maxRetries: 0,
    timeout: options.timeoutMs,
    defaultHeaders: config.headers,
  });
  return new OpenAICompatibleProvider(config, { timeoutMs: options.timeoutMs, client });
}
