import type { FakeCopilotServer } from '@app/testing';
import type { ProviderConfig } from '@app/config';

/** Test fixture: a Copilot provider config pointed at a FakeCopilotServer. */
export function copilotConfig(fake: FakeCopilotServer): ProviderConfig {
  return {
    id: 'copilot',
    type: 'copilot',
    baseUrl: fake.baseUrl,
    apiKey: 'gh-test-token',
    defaultModel: 'gpt-test',
    models: [],
    aliases: [],
    headers: {},
    options: { tokenUrl: fake.tokenUrl },
  };
}
