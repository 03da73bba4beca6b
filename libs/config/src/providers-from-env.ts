import type { Env } from './env.schema';
import type { ProviderConfig } from './app-config.types';

/** The order of the env-only default chain: the seeds' "cloud first, local last". */
export const DEFAULT_PROVIDER_ORDER = [
  'copilot',
  'openai',
  'azure',
  'gemini',
  'anthropic',
  'bedrock',
  'ollama',
  'local',
] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function provider(
  config: Partial<ProviderConfig> & Pick<ProviderConfig, 'id' | 'type' | 'defaultModel'>,
): ProviderConfig {
  return {
    models: [config.defaultModel],
    aliases: [],
    headers: {},
    options: {},
    ...config,
  };
}

/** Ollama serves its OpenAI-compatible API under /v1; accept the base URL with or without it. */
function ollamaV1(url: string): string {
  return url.endsWith('/v1') ? url : `${url}/v1`;
}

/**
 * Providers that environment variables alone configure; a provider is in the chain only when its
 * credentials (or base URL, for keyless servers) are set. Problems are collected, not thrown.
 */
export function providersFromEnv(env: Env, problems: string[]): ProviderConfig[] {
  const providers: ProviderConfig[] = [];

  if (env.GITHUB_COPILOT_TOKEN) {
    providers.push(
      provider({
        id: 'copilot',
        type: 'copilot',
        aliases: ['github-copilot'],
        baseUrl: env.COPILOT_BASE_URL ?? 'https://api.githubcopilot.com',
        apiKey: env.GITHUB_COPILOT_TOKEN,
        defaultModel: env.COPILOT_MODEL,
        options: {
          tokenUrl: env.COPILOT_TOKEN_URL ?? 'https://api.github.com/copilot_internal/v2/token',
        },
      }),
    );
  }

  if (env.OPENAI_API_KEY || env.OPENAI_BASE_URL) {
    providers.push(
      provider({
        id: 'openai',
        type: 'openai-compatible',
        baseUrl: env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
        apiKey: env.OPENAI_API_KEY,
        defaultModel: env.CLOUD_MODEL,
        models: [env.CLOUD_MODEL, env.OPENAI_EMBEDDING_MODEL],
        embeddingModel: env.OPENAI_EMBEDDING_MODEL,
      }),
    );
  }

  const azureVariables = [
    env.AZURE_OPENAI_API_KEY,
    env.AZURE_OPENAI_ENDPOINT,
    env.AZURE_OPENAI_DEPLOYMENT,
  ];
  if (azureVariables.some(Boolean)) {
    if (!azureVariables.every(Boolean)) {
      problems.push(
        'AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT must be set together',
      );
    } else {
      providers.push(
        provider({
          id: 'azure',
          type: 'azure',
          aliases: ['azure-openai'],
          baseUrl: env.AZURE_OPENAI_ENDPOINT,
          apiKey: env.AZURE_OPENAI_API_KEY,
          defaultModel: env.AZURE_OPENAI_DEPLOYMENT!,
          // Embeddings go to their own deployment: a chat deployment answers them 400.
          ...(env.AZURE_OPENAI_EMBEDDING_DEPLOYMENT
            ? {
                models: [env.AZURE_OPENAI_DEPLOYMENT!, env.AZURE_OPENAI_EMBEDDING_DEPLOYMENT],
                embeddingModel: env.AZURE_OPENAI_EMBEDDING_DEPLOYMENT,
              }
            : {}),
          options: {
            deployment: env.AZURE_OPENAI_DEPLOYMENT,
            embeddingDeployment: env.AZURE_OPENAI_EMBEDDING_DEPLOYMENT,
            apiVersion: env.AZURE_OPENAI_API_VERSION,
          },
        }),
      );
    }
  }

  if (env.GEMINI_ENABLED === true && !env.GEMINI_API_KEY) {
    problems.push('GEMINI_ENABLED=true needs GEMINI_API_KEY');
  } else if (env.GEMINI_API_KEY && env.GEMINI_ENABLED !== false) {
    providers.push(
      provider({
        id: 'gemini',
        type: 'gemini',
        aliases: ['google'],
        baseUrl: env.GEMINI_BASE_URL,
        apiKey: env.GEMINI_API_KEY,
        defaultModel: env.GEMINI_MODEL,
        models: [env.GEMINI_MODEL, env.GEMINI_EMBEDDING_MODEL],
        embeddingModel: env.GEMINI_EMBEDDING_MODEL,
      }),
    );
  }

  const anthropicKey = env.ANTHROPIC_API_KEY ?? env.CLAUDE_API_KEY;
  if (env.CLAUDE_ENABLED === true && !anthropicKey) {
    problems.push('CLAUDE_ENABLED=true needs ANTHROPIC_API_KEY (or CLAUDE_API_KEY)');
  } else if (anthropicKey && env.CLAUDE_ENABLED !== false) {
    providers.push(
      provider({
        id: 'anthropic',
        type: 'anthropic',
        aliases: ['claude'],
        baseUrl: env.ANTHROPIC_BASE_URL,
        apiKey: anthropicKey,
        defaultModel: env.ANTHROPIC_MODEL,
        options: { maxTokens: env.ANTHROPIC_MAX_TOKENS },
      }),
    );
  }

  if (env.BEDROCK_ENABLED === true || (env.BEDROCK_ENABLED === undefined && env.BEDROCK_ENDPOINT)) {
    if (!env.AWS_REGION) {
      problems.push(
        'AWS_REGION must be set when Bedrock is enabled (BEDROCK_ENABLED or BEDROCK_ENDPOINT)',
      );
    } else {
      providers.push(
        provider({
          id: 'bedrock',
          type: 'bedrock',
          aliases: ['aws-bedrock'],
          baseUrl: env.BEDROCK_ENDPOINT,
          defaultModel: env.BEDROCK_MODEL,
          options: { region: env.AWS_REGION },
        }),
      );
    }
  }

  if (env.OLLAMA_BASE_URL) {
    providers.push(
      provider({
        id: 'ollama',
        type: 'openai-compatible',
        baseUrl: ollamaV1(env.OLLAMA_BASE_URL),
        // Ollama ignores the key, but the openai SDK requires one.
        apiKey: 'ollama',
        defaultModel: env.LOCAL_MODEL,
        models: [env.LOCAL_MODEL, env.OLLAMA_EMBEDDING_MODEL],
        embeddingModel: env.OLLAMA_EMBEDDING_MODEL,
      }),
    );
  }

  const localEnabled = env.LOCAL_ENABLED ?? Boolean(env.WORKER_LLM_MODEL_PATH);
  if (localEnabled) {
    providers.push(
      provider({
        id: 'local',
        type: 'local',
        aliases: ['local-worker'],
        defaultModel: env.LOCAL_CHAT_MODEL,
        models: [env.LOCAL_CHAT_MODEL, env.LOCAL_EMBEDDING_MODEL, env.WORKER_EMBEDDING_MODEL],
        embeddingModel: env.LOCAL_EMBEDDING_MODEL,
      }),
    );
  }

  return providers;
}
