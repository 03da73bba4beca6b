/* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see provider-descriptor.ts */
import { envBoolean, envInt, envString, envStringOr, envUrl } from '@app/config';
import { z } from 'zod';
import { defineProvider } from '../provider-descriptor';
import { ANTHROPIC_FIELDS } from './anthropic-fields';

/**
 * Anthropic's Messages API. The key may come as CLAUDE_API_KEY (the seeds' name);
 * CLAUDE_ENABLED=false turns it off even with a key set.
 */
export const anthropicDescriptor = defineProvider({
  type: 'anthropic',
  id: 'anthropic',
  aliases: ['claude'],
  tier: 'cloud',
  billed: true,
  env: {
    ANTHROPIC_API_KEY: envString(),
    CLAUDE_API_KEY: envString(),
    ANTHROPIC_BASE_URL: envUrl(),
    CLAUDE_ENABLED: envBoolean(undefined),
    // Anthropic's current Sonnet (claude-sonnet-4-5 reached end of life on 2026-11-30).
    ANTHROPIC_MODEL: envStringOr('claude-sonnet-5-5'),
    ANTHROPIC_MAX_TOKENS: envInt(4096, { min: 1 }),
  },
  fromEnv(env, problems) {
    const apiKey = env.ANTHROPIC_API_KEY ?? env.CLAUDE_API_KEY;
    if (env.CLAUDE_ENABLED === true && !apiKey) {
      problems.push('CLAUDE_ENABLED=true needs ANTHROPIC_API_KEY (or CLAUDE_API_KEY)');
      return undefined;
    }
    if (!apiKey || env.CLAUDE_ENABLED === false) return undefined;
    return {
      baseUrl: env.ANTHROPIC_BASE_URL,
      apiKey,
      defaultModel: env.ANTHROPIC_MODEL,
      options: { maxTokens: env.ANTHROPIC_MAX_TOKENS },
    };
  },
  settings: z
    .object({
      /** max_tokens sent when the client sends none (Anthropic requires one). */
      maxTokens: z.coerce
        .number({ message: 'must be a whole number' })
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .optional(),
    })
    .strict(),
  fields: ANTHROPIC_FIELDS,
  // Claude Code and the Anthropic SDKs name dated Claude models (claude-sonnet-4-5-20250929…).
  modelFamilies: ['claude-*'],
  build(config, context) {
    const { AnthropicProvider } =
      require('./anthropic.provider') as typeof import('./anthropic.provider');
    return new AnthropicProvider(config, {
      timeoutMs: context.routing.requestTimeoutMs,
      // The SDK's own warnings go to the structured log (see anthropic-sdk-log.ts).
      logger: context.logger,
    });
  },
});
