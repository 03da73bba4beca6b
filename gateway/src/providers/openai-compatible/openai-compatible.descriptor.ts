/* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see provider-descriptor.ts */
import { envString, envStringOr, envUrl } from '@app/config';
import { z } from 'zod';
import { defineProvider } from '../provider-descriptor';

/**
 * OpenAI and any OpenAI-compatible server (vLLM, LM Studio, Together, …). From env vars it is the
 * `openai` provider: OPENAI_API_KEY alone means api.openai.com, OPENAI_BASE_URL any server.
 */
export const openAICompatibleDescriptor = defineProvider({
  type: 'openai-compatible',
  id: 'openai',
  aliases: [],
  tier: 'cloud',
  billed: true,
  env: {
    OPENAI_API_KEY: envString(),
    OPENAI_BASE_URL: envUrl(),
    CLOUD_MODEL: envStringOr('gpt-4o-mini'),
    OPENAI_EMBEDDING_MODEL: envStringOr('text-embedding-3-small'),
  },
  fromEnv(env) {
    if (!env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) return undefined;
    return {
      baseUrl: env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
      apiKey: env.OPENAI_API_KEY,
      defaultModel: env.CLOUD_MODEL,
      models: [env.CLOUD_MODEL, env.OPENAI_EMBEDDING_MODEL],
      embeddingModel: env.OPENAI_EMBEDDING_MODEL,
      options: {},
    };
  },
  settings: z.object({}).strict(),
  fields: 'pass-through',
  build(config, context) {
    const { OpenAICompatibleProvider } =
      require('./openai-compatible.provider') as typeof import('./openai-compatible.provider');
    // Its upstream's own model list is routable (model discovery, MODEL_REFRESH_SECONDS).
    return new OpenAICompatibleProvider(config, {
      timeoutMs: context.routing.requestTimeoutMs,
      modelList: 'openai',
    });
  },
});
