/* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see provider-descriptor.ts */
import { envString, envStringOr, envUrl } from '@app/config';
import { z } from 'zod';
import { defineProvider } from '../provider-descriptor';

/**
 * Azure OpenAI: the OpenAI wire format behind deployment URLs. From env vars, key, endpoint and
 * deployment go together; in YAML the deployment defaults to the provider's default model.
 */
export const azureOpenAIDescriptor = defineProvider({
  type: 'azure',
  id: 'azure',
  aliases: ['azure-openai'],
  tier: 'cloud',
  billed: true,
  env: {
    AZURE_OPENAI_API_KEY: envString(),
    AZURE_OPENAI_ENDPOINT: envUrl(),
    AZURE_OPENAI_DEPLOYMENT: envString(),
    AZURE_OPENAI_API_VERSION: envStringOr('2024-10-21'),
  },
  fromEnv(env, problems) {
    const key = env.AZURE_OPENAI_API_KEY;
    const endpoint = env.AZURE_OPENAI_ENDPOINT;
    const deployment = env.AZURE_OPENAI_DEPLOYMENT;
    if (!key && !endpoint && !deployment) return undefined;
    if (!key || !endpoint || !deployment) {
      problems.push(
        'AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT must be set together',
      );
      return undefined;
    }
    return {
      baseUrl: endpoint,
      apiKey: key,
      defaultModel: deployment,
      options: { deployment, apiVersion: env.AZURE_OPENAI_API_VERSION },
    };
  },
  settings: z
    .object({ deployment: z.string().min(1).optional(), apiVersion: z.string().min(1).optional() })
    .strict(),
  fields: 'pass-through',
  build(config, context) {
    const { createAzureOpenAIProvider } =
      require('./azure-openai.provider') as typeof import('./azure-openai.provider');
    return createAzureOpenAIProvider(config, { timeoutMs: context.routing.requestTimeoutMs });
  },
});
