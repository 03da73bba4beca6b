import { loadConfigWithWarnings, type AppConfig, type LoadedConfig } from '@app/config';
import { PROVIDER_DESCRIPTORS } from './providers/provider-list';

/**
 * The gateway's configuration: the core variables from `libs/config` plus the providers its
 * descriptors read from env vars and GATEWAY_CONFIG. Throws `ConfigError` naming every problem.
 */
export function loadGatewayConfigWithWarnings(
  source: NodeJS.ProcessEnv = process.env,
): LoadedConfig {
  const loaded = loadConfigWithWarnings(source, PROVIDER_DESCRIPTORS);
  if (loaded.config.providers.length === 0) {
    loaded.warnings.push(
      'No provider is configured: set OPENAI_API_KEY / OPENAI_BASE_URL, OLLAMA_BASE_URL, ANTHROPIC_API_KEY, … or WORKER_LLM_MODEL_PATH',
    );
  }
  return loaded;
}

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  return loadGatewayConfigWithWarnings(source).config;
}
