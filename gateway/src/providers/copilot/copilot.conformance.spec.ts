import { FakeCopilotServer } from '@app/testing';
import { describeProviderConformance } from '../../../test/conformance/provider-conformance';
import {
  CONFORMANCE_OPENAI_FAKE_OPTIONS,
  openAIFakeSubject,
} from '../../../test/conformance/openai-fake-subject';
import { CopilotProvider } from './copilot.provider';
import { copilotConfig } from '../../../test/support/copilot-provider-config';

describeProviderConformance('copilot', async () => {
  const fake = await FakeCopilotServer.start(CONFORMANCE_OPENAI_FAKE_OPTIONS);
  const provider = new CopilotProvider(copilotConfig(fake), { timeoutMs: 5000 });
  const subject = openAIFakeSubject(
    provider,
    fake.openai,
    () => fake.chatRequests,
    () => fake.stop(),
  );
  return {
    ...subject,
    // A 401 makes the adapter refresh its token and retry once, so a lasting 401 takes two.
    failNext: (failure) => {
      subject.failNext(failure);
      if (failure === 'unauthorized') subject.failNext(failure);
    },
  };
});
