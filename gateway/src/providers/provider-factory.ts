import type { ProviderConfig, ProviderType, RoutingConfig } from '@app/config';
import type { ChatProvider } from './chat-provider';
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

/* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see below */
/**
 * One builder per provider type; each adapter folder owns its builder. Chosen once at boot:
 * nothing else in the gateway branches on the provider type. Adapters are required only when a
 * provider of their type is configured, so a gateway in front of OpenAI alone never loads the
 * Anthropic, Gemini or AWS SDKs (about 50 MB of resident memory between them). `require` and not
 * `import()`: the build is CommonJS and boot is synchronous here.
 */
const builders: Partial<Record<ProviderType, ProviderBuilder>> = {
  'openai-compatible': (config, context) => {
    const { OpenAICompatibleProvider } =
      require('./openai-compatible/openai-compatible.provider') as typeof import('./openai-compatible/openai-compatible.provider');
    return new OpenAICompatibleProvider(config, { timeoutMs: context.routing.requestTimeoutMs });
  },
  anthropic: (config, context) => {
    const { AnthropicProvider } =
      require('./anthropic/anthropic.provider') as typeof import('./anthropic/anthropic.provider');
    return new AnthropicProvider(config, {
      timeoutMs: context.routing.requestTimeoutMs,
      // The gateway's pino logger, for the SDK's own warnings (see anthropic-sdk-log.ts).
      logger: context.services.logger as import('./anthropic/anthropic-sdk-log').ProviderLogger,
    });
  },
  gemini: (config, context) => {
    const { GeminiProvider } =
      require('./gemini/gemini.provider') as typeof import('./gemini/gemini.provider');
    return new GeminiProvider(config, { timeoutMs: context.routing.requestTimeoutMs });
  },
  copilot: (config, context) => {
    const { CopilotProvider } =
      require('./copilot/copilot.provider') as typeof import('./copilot/copilot.provider');
    return new CopilotProvider(config, { timeoutMs: context.routing.requestTimeoutMs });
  },
  azure: (config, context) => {
    const { createAzureOpenAIProvider } =
      require('./azure/azure-openai.provider') as typeof import('./azure/azure-openai.provider');
    return createAzureOpenAIProvider(config, { timeoutMs: context.routing.requestTimeoutMs });
  },
  bedrock: (config, context) => {
    const { BedrockProvider } =
      require('./bedrock/bedrock.provider') as typeof import('./bedrock/bedrock.provider');
    return new BedrockProvider(config, { timeoutMs: context.routing.requestTimeoutMs });
  },
  local: (config, context) => {
    const { buildLocalProvider } =
      require('./local/local-provider-builder') as typeof import('./local/local-provider-builder');
    return buildLocalProvider(config, context);
  },
};
/* eslint-enable @typescript-eslint/no-require-imports */

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
