import { FakeAzureOpenAIServer } from '@app/testing';
import type { ProviderConfig } from '@app/config';
import { describeProviderConformance } from '../../../test/conformance/provider-conformance';
import {
  CONFORMANCE_OPENAI_FAKE_OPTIONS,
  openAIFakeSubject,
} from '../../../test/conformance/openai-fake-subject';
import { AZURE_CONTENT_FILTER_MESSAGE } from '@app/testing';
import { parseDeployments } from './azure-deployments';
import { createAzureOpenAIProvider } from './azure-openai.provider';
import { AbortSource } from '@app/http';

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
  const context = () => ({ abort: new AbortSource(), requestId: 'azure' });
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

  it('calls Azure’s v1 API with the deployment in model and no dated api-version', async () => {
    const provider = createAzureOpenAIProvider(
      azureConfig(fake.endpoint, {
        options: { deployment: 'gpt-4o-deployment', apiVersion: 'v1' },
      }),
      { timeoutMs: 5000 },
    );
    const completion = await provider.chat(request, context());
    expect(completion.choices[0].message.content).toBe(fake.openai.options.reply);
    const sent = fake.chatRequests[fake.chatRequests.length - 1];
    expect(sent.path).toBe('/openai/v1/chat/completions');
    expect(sent.body).toMatchObject({ model: 'gpt-4o-deployment' });
  });

  it.each(['2024-10-21', 'v1'])(
    'sends embeddings to the embedding deployment (api %s), never the chat one',
    async (apiVersion) => {
      const provider = createAzureOpenAIProvider(
        azureConfig(fake.endpoint, {
          embeddingModel: 'embedding-deployment',
          options: {
            deployment: 'gpt-4o-deployment',
            embeddingDeployment: 'embedding-deployment',
            apiVersion,
          },
        }),
        { timeoutMs: 5000 },
      );
      const result = await provider.embed!(
        { model: 'embedding-deployment', input: ['a', 'b'] },
        context(),
      );
      expect(result.vectors).toHaveLength(2);
      const sent = fake.http.requests[fake.http.requests.length - 1];
      expect(sent.path).toContain(
        apiVersion === 'v1' ? '/openai/v1/embeddings' : '/deployments/embedding-deployment/',
      );
    },
  );

  it('offers no embeddings without an embedding deployment (a chat deployment refuses them)', () => {
    const provider = createAzureOpenAIProvider(azureConfig(fake.endpoint), { timeoutMs: 5000 });
    expect(provider.embed).toBeUndefined();
  });

  it('routes each model to its deployment from options.deployments', async () => {
    const provider = createAzureOpenAIProvider(
      azureConfig(fake.endpoint, {
        options: { deployments: 'gpt-4o-mini = gpt-4o-deployment', apiVersion: '2024-10-21' },
      }),
      { timeoutMs: 5000 },
    );
    await provider.chat({ ...request, model: 'gpt-4o-mini' }, context());
    expect(fake.chatRequests[fake.chatRequests.length - 1].path).toContain(
      '/deployments/gpt-4o-deployment/',
    );
    expect(() => parseDeployments('gpt-4o', 'azure-eu')).toThrow(/azure-eu.*gpt-4o/);
  });

  it('passes a content-filter refusal on as a 400 content_filter with Azure’s message', async () => {
    fake.enqueue('content-filter');
    const provider = createAzureOpenAIProvider(azureConfig(fake.endpoint), { timeoutMs: 5000 });
    await expect(provider.chat(request, context())).rejects.toMatchObject({
      status: 400,
      code: 'content_filter',
      retryable: false,
      body: { message: AZURE_CONTENT_FILTER_MESSAGE, param: 'prompt', code: 'content_filter' },
    });
  });
});
