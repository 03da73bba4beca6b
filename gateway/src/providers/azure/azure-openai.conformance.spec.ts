import { FakeAzureOpenAIServer } from '@app/testing';
import type { ProviderConfig } from '@app/config';
import { describeProviderConformance } from '../conformance/provider-conformance';
import {
  CONFORMANCE_OPENAI_FAKE_OPTIONS,
  openAIFakeSubject,
} from '../conformance/openai-fake-subject';
import { createAzureOpenAIProvider } from './azure-openai.provider';

function azureConfig(endpoint: string, overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    id: 'azure',
    type: 'azure',
    baseUrl: endpoint,
    apiKey: 'azure-test-key',
    defaultModel: 'gpt-4o-deployment',
    models: [],
    aliases: [],
    headers: {},
    options: { deployment: 'gpt-4o-deployment', apiVersion: '2024-10-21' },
    ...overrides,
  };
}

describeProviderConformance('azure', async () => {
  const fake = await FakeAzureOpenAIServer.start(CONFORMANCE_OPENAI_FAKE_OPTIONS);
  const provider = createAzureOpenAIProvider(azureConfig(fake.endpoint), { timeoutMs: 5000 });
  return openAIFakeSubject(
    provider,
    fake.openai,
    () => fake.chatRequests,
    () => fake.stop(),
    { promptFilterResults: true },
  );
});

describe('azure deployment URLs', () => {
  let fake: FakeAzureOpenAIServer;
  const context = () => ({ signal: new AbortController().signal, requestId: 'azure' });
  const request = {
    model: 'ignored-by-azure',
    messages: [{ role: 'user' as const, content: 'hi' }],
  };
  beforeAll(async () => {
    fake = await FakeAzureOpenAIServer.start();
  });
  afterAll(() => fake.stop());

  it('calls the configured deployment with api-version and the api-key header', async () => {
    await createAzureOpenAIProvider(azureConfig(fake.endpoint), { timeoutMs: 5000 }).chat(
      request,
      context(),
    );
    const sent = fake.chatRequests[fake.chatRequests.length - 1];
    expect(sent.path).toBe(
      '/openai/deployments/gpt-4o-deployment/chat/completions?api-version=2024-10-21',
    );
    expect(sent.headers['api-key']).toBe('azure-test-key');
  });

  it('maps a wrong key to a non-retryable 401', async () => {
    const provider = createAzureOpenAIProvider(azureConfig(fake.endpoint, { apiKey: 'wrong' }), {
      timeoutMs: 5000,
    });
    await expect(provider.chat(request, context())).rejects.toMatchObject({
      status: 401,
      retryable: false,
    });
  });
});
