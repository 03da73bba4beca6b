/* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see provider-descriptor.ts */
import { envBoolean } from '@app/config';
import { z } from 'zod';
import { defineProvider } from '../provider-descriptor';
import { LOCAL_FIELDS } from './local-fields';

/**
 * The local llama.cpp tier (in this process, or workers over BullMQ). On with LOCAL_ENABLED, or
 * by default when WORKER_LLM_MODEL_PATH is set; its model names are the worker's (core) ones.
 */
export const localDescriptor = defineProvider({
  type: 'local',
  id: 'local',
  aliases: ['local-worker'],
  tier: 'local',
  billed: false,
  env: {
    LOCAL_ENABLED: envBoolean(undefined),
  },
  fromEnv(env) {
    if (!(env.LOCAL_ENABLED ?? Boolean(env.WORKER_LLM_MODEL_PATH))) return undefined;
    return {
      defaultModel: env.LOCAL_CHAT_MODEL,
      models: [env.LOCAL_CHAT_MODEL, env.LOCAL_EMBEDDING_MODEL, env.WORKER_EMBEDDING_MODEL],
      embeddingModel: env.LOCAL_EMBEDDING_MODEL,
      options: {},
    };
  },
  settings: z.object({}).strict(),
  fields: LOCAL_FIELDS,
  build(config, context) {
    const { buildLocalProvider } =
      require('./local-provider-builder') as typeof import('./local-provider-builder');
    return buildLocalProvider(config, context);
  },
});
