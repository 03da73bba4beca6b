import type { ProviderConfig, ProviderType, RoutingConfig } from '@app/config';
import type { ChatProvider } from './chat-provider';
import { OpenAICompatibleProvider } from './openai-compatible/openai-compatible.provider';
import { AnthropicProvider } from './anthropic/anthropic.provider';
import { GeminiProvider } from './gemini/gemini.provider';
import { CopilotProvider } from './copilot/copilot.provider';
import { createAzureOpenAIProvider } from './azure/azure-openai.provider';
import { buildLocalProvider } from './local/local-provider-builder';
import { BedrockProvider } from './bedrock/bedrock.provider';

/** What builders may need besides their own config. */
export interface ProviderBuildContext {
  routing: RoutingConfig;
  /** Services only some providers use (the local tier's dispatcher), keyed by name. */
  services: Record<string, unknown>;
}

export type ProviderBuilder = (
  config: ProviderConfig,
  context: ProviderBuildContext,
) => ChatProvider;

/**
 * One builder per provider type; each adapter folder owns its builder. Chosen once at boot:
 * nothing else in the gateway branches on the provider type.
 */
const builders: Partial<Record<ProviderType, ProviderBuilder>> = {
  'openai-compatible': (config, context) =>
    new OpenAICompatibleProvider(config, { timeoutMs: context.routing.requestTimeoutMs }),
  anthropic: (config, context) =>
    new AnthropicProvider(config, { timeoutMs: context.routing.requestTimeoutMs }),
  gemini: (config, context) =>
    new GeminiProvider(config, { timeoutMs: context.routing.requestTimeoutMs }),
  copilot: (config, context) =>
    new CopilotProvider(config, { timeoutMs: context.routing.requestTimeoutMs }),
  azure: (config, context) =>
    createAzureOpenAIProvider(config, { timeoutMs: context.routing.requestTimeoutMs }),
  bedrock: (config, context) =>
    new BedrockProvider(config, { timeoutMs: context.routing.requestTimeoutMs }),
  local: buildLocalProvider,
};

export function createProvider(
  config: ProviderConfig,
  context: ProviderBuildContext,
): ChatProvider {
  const builder = builders[config.type];
  if (!builder)
    throw new Error(
      `Provider '${config.id}': type '${config.type}' is not supported by this build`,
    );
  return builder(config, context);
}
