import { FakeOpenAIServer } from '@app/testing';
import { describeProviderConformance } from '../../../test/conformance/provider-conformance';
import {
  CONFORMANCE_OPENAI_FAKE_OPTIONS,
  openAIFakeSubject,
} from '../../../test/conformance/openai-fake-subject';
import { OpenAICompatibleProvider } from './openai-compatible.provider';

describeProviderConformance('openai-compatible', async () => {
  const fake = await FakeOpenAIServer.start(CONFORMANCE_OPENAI_FAKE_OPTIONS);
  const provider = new OpenAICompatibleProvider(
    {
      id: 'openai',
      type: 'openai-compatible',
      baseUrl: fake.baseUrl,
      apiKey: 'k',
      defaultModel: 'gpt-test',
      models: [],
      aliases: [],
      headers: {},
      options: {},
    },
    { timeoutMs: 5000 },
  );
  return openAIFakeSubject(
    provider,
    fake,
    () => fake.chatRequests,
    () => fake.stop(),
  );
});
