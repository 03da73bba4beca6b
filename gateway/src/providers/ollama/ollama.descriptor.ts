/* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see provider-descriptor.ts */
import { envStringOr, envUrl } from '@app/config';
import { z } from 'zod';
import { defineProvider } from '../provider-descriptor';

const DEFAULT_OLLAMA_URL = 'http://127.0.0.1:11434';

/** Ollama serves its OpenAI-compatible API under /v1; accept the base URL with or without it. */
function ollamaV1(url: string): string {
  return url.endsWith('/v1') ? url : `${url}/v1`;
}

/**
 * Ollama: the OpenAI wire format (the OpenAI-compatible adapter) on a local server, so it counts
 * as the local tier and costs nothing. YAML may say `type: ollama` (base_url defaults to
 * http://127.0.0.1:11434, /v1 added when missing).
 */
export const ollamaDescriptor = defineProvider({
  type: 'ollama',
  id: 'ollama',
  aliases: [],
  tier: 'local',
  billed: false,
  env: {
    OLLAMA_BASE_URL: envUrl(),
    LOCAL_MODEL: envStringOr('llama3.2'),
    OLLAMA_EMBEDDING_MODEL: envStringOr('nomic-embed-text'),
  },
  fromEnv(env) {
    if (!env.OLLAMA_BASE_URL) return undefined;
    return {
      baseUrl: ollamaV1(env.OLLAMA_BASE_URL),
      // Ollama ignores the key; its docs give OpenAI clients this placeholder.
      apiKey: 'ollama',
      defaultModel: env.LOCAL_MODEL,
      models: [env.LOCAL_MODEL, env.OLLAMA_EMBEDDING_MODEL],
      embeddingModel: env.OLLAMA_EMBEDDING_MODEL,
      options: {},
    };
  },
  settings: z.object({}).strict(),
  resolveBaseUrl: (configured) => ollamaV1(configured ?? DEFAULT_OLLAMA_URL),
  fields: 'pass-through',
  build(config, context) {
    const { OpenAICompatibleProvider } =
      require('../openai-compatible/openai-compatible.provider') as typeof import('../openai-compatible/openai-compatible.provider');
    // Its upstream's own model list is routable (model discovery, MODEL_REFRESH_SECONDS).
    return new OpenAICompatibleProvider(config, {
      timeoutMs: context.routing.requestTimeoutMs,
      modelList: 'ollama',
    });
  },
});
