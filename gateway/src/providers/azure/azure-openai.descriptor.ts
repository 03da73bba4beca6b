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
    AZURE_OPENAI_EMBEDDING_DEPLOYMENT: envString(),
    // A dated version (deployments API), or `v1` / `preview` for Azure's v1 API (/openai/v1/...).
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
    const embeddingDeployment = env.AZURE_OPENAI_EMBEDDING_DEPLOYMENT;
    return {
      baseUrl: endpoint,
      apiKey: key,
      defaultModel: deployment,
      // Embeddings go to their own deployment: a chat deployment answers them 400.
      ...(embeddingDeployment
        ? { models: [deployment, embeddingDeployment], embeddingModel: embeddingDeployment }
        : {}),
      options: { deployment, embeddingDeployment, apiVersion: env.AZURE_OPENAI_API_VERSION },
    };
  },
  settings: z
    .object({
      deployment: z.string().min(1).optional(),
      /** Where embeddings go (a chat deployment cannot embed). */
      embeddingDeployment: z.string().min(1).optional(),
      /** Per-model deployments: `"gpt-4o=prod-4o, gpt-4o-mini=mini"`. */
      deployments: z.string().min(1).optional(),
      apiVersion: z.string().min(1).optional(),
    })
    .strict(),
  fields: 'pass-through',
  build(config, context) {
    const { createAzureOpenAIProvider } =
      require('./azure-openai.provider') as typeof import('./azure-openai.provider');
    return createAzureOpenAIProvider(config, { timeoutMs: context.routing.requestTimeoutMs });
  },
});
