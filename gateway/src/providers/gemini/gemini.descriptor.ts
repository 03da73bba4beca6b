/* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see provider-descriptor.ts */
import { envBoolean, envString, envStringOr, envUrl } from '@app/config';
import { z } from 'zod';
import { defineProvider } from '../provider-descriptor';
import { GEMINI_FIELDS } from './gemini-fields';

/** Google Gemini on `@google/genai`. GEMINI_ENABLED=false turns it off even with a key set. */
export const geminiDescriptor = defineProvider({
  type: 'gemini',
  id: 'gemini',
  aliases: ['google'],
  tier: 'cloud',
  billed: true,
  env: {
    GEMINI_API_KEY: envString(),
    GEMINI_BASE_URL: envUrl(),
    GEMINI_ENABLED: envBoolean(undefined),
    GEMINI_MODEL: envStringOr('gemini-2.5-flash'),
    GEMINI_EMBEDDING_MODEL: envStringOr('text-embedding-004'),
  },
  fromEnv(env, problems) {
    if (env.GEMINI_ENABLED === true && !env.GEMINI_API_KEY) {
      problems.push('GEMINI_ENABLED=true needs GEMINI_API_KEY');
      return undefined;
    }
    if (!env.GEMINI_API_KEY || env.GEMINI_ENABLED === false) return undefined;
    return {
      baseUrl: env.GEMINI_BASE_URL,
      apiKey: env.GEMINI_API_KEY,
      defaultModel: env.GEMINI_MODEL,
      models: [env.GEMINI_MODEL, env.GEMINI_EMBEDDING_MODEL],
      embeddingModel: env.GEMINI_EMBEDDING_MODEL,
      options: {},
    };
  },
  settings: z.object({}).strict(),
  fields: GEMINI_FIELDS,
  modelFamilies: ['gemini-*'],
  build(config, context) {
    const { GeminiProvider } = require('./gemini.provider') as typeof import('./gemini.provider');
    return new GeminiProvider(config, { timeoutMs: context.routing.requestTimeoutMs });
  },
});
