/* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see provider-descriptor.ts */
import { envString, envStringOr, envUrl } from '@app/config';
import { z } from 'zod';
import { defineProvider } from '../provider-descriptor';

const DEFAULT_COPILOT_URL = 'https://api.githubcopilot.com';
/** Same value as the adapter's DEFAULT_COPILOT_TOKEN_URL (not imported: that module is lazy). */
const DEFAULT_TOKEN_URL = 'https://api.github.com/copilot_internal/v2/token';

/** GitHub Copilot's chat API: a GitHub token exchanged for short-lived Copilot tokens. */
export const copilotDescriptor = defineProvider({
  type: 'copilot',
  id: 'copilot',
  aliases: ['github-copilot'],
  tier: 'copilot',
  billed: true,
  env: {
    GITHUB_COPILOT_TOKEN: envString(),
    COPILOT_MODEL: envStringOr('gpt-4o'),
    COPILOT_BASE_URL: envUrl(),
    COPILOT_TOKEN_URL: envUrl(),
  },
  fromEnv(env) {
    if (!env.GITHUB_COPILOT_TOKEN) return undefined;
    return {
      baseUrl: env.COPILOT_BASE_URL ?? DEFAULT_COPILOT_URL,
      apiKey: env.GITHUB_COPILOT_TOKEN,
      defaultModel: env.COPILOT_MODEL,
      options: { tokenUrl: env.COPILOT_TOKEN_URL ?? DEFAULT_TOKEN_URL },
    };
  },
  settings: z.object({ tokenUrl: z.string().url().optional() }).strict(),
  resolveBaseUrl: (configured) => configured ?? DEFAULT_COPILOT_URL,
  fields: 'pass-through',
  build(config, context) {
    const { CopilotProvider } =
      require('./copilot.provider') as typeof import('./copilot.provider');
    return new CopilotProvider(config, { timeoutMs: context.routing.requestTimeoutMs });
  },
});
