/* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see provider-descriptor.ts */
import { envBoolean, envString, envStringOr, envUrl } from '@app/config';
import { z } from 'zod';
import { defineProvider } from '../provider-descriptor';
import { BEDROCK_FIELDS } from './bedrock-fields';

/**
 * AWS Bedrock's Converse API. On with BEDROCK_ENABLED=true, or BEDROCK_ENDPOINT set; credentials
 * come from the standard AWS chain (or the YAML options).
 */
export const bedrockDescriptor = defineProvider({
  type: 'bedrock',
  id: 'bedrock',
  aliases: ['aws-bedrock'],
  tier: 'cloud',
  billed: true,
  env: {
    AWS_REGION: envString(),
    BEDROCK_ENDPOINT: envUrl(),
    BEDROCK_ENABLED: envBoolean(undefined),
    BEDROCK_MODEL: envStringOr('anthropic.claude-3-5-sonnet-20240620-v1:0'),
  },
  fromEnv(env, problems) {
    const enabled =
      env.BEDROCK_ENABLED === true ||
      (env.BEDROCK_ENABLED === undefined && env.BEDROCK_ENDPOINT !== undefined);
    if (!enabled) return undefined;
    if (!env.AWS_REGION) {
      problems.push(
        'AWS_REGION must be set when Bedrock is enabled (BEDROCK_ENABLED or BEDROCK_ENDPOINT)',
      );
      return undefined;
    }
    return {
      baseUrl: env.BEDROCK_ENDPOINT,
      defaultModel: env.BEDROCK_MODEL,
      options: { region: env.AWS_REGION },
    };
  },
  settings: z
    .object({
      region: z.string().min(1).optional(),
      accessKeyId: z.string().min(1).optional(),
      secretAccessKey: z.string().min(1).optional(),
      sessionToken: z.string().min(1).optional(),
      /** maxTokens sent when the client sends none. */
      maxTokens: z.coerce
        .number({ message: 'must be a whole number' })
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .optional(),
    })
    .strict(),
  fields: BEDROCK_FIELDS,
  build(config, context) {
    const { BedrockProvider } =
      require('./bedrock.provider') as typeof import('./bedrock.provider');
    return new BedrockProvider(config, { timeoutMs: context.routing.requestTimeoutMs });
  },
});
