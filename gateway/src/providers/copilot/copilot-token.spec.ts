import { FakeCopilotServer } from '@app/testing';
import { ProviderError } from '@app/contracts';
import { CopilotTokenSource } from './copilot-token-source';
import { CopilotProvider } from './copilot.provider';
import { copilotConfig } from '../../../test/support/copilot-provider-config';
import { AbortSource } from '@app/http';

const context = () => ({ abort: new AbortSource(), requestId: 'copilot' });
const request = { model: 'gpt-test', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('copilot token exchange', () => {
  let fake: FakeCopilotServer;
  beforeEach(async () => {
    fake = await FakeCopilotServer.start();
  });
  afterEach(() => fake.stop());

  it('exchanges once and reuses the cached token across calls', async () => {
    const provider = new CopilotProvider(copilotConfig(fake), { timeoutMs: 5000 });
    await provider.chat(request, context());
    await provider.chat(request, context());
    expect(fake.tokenExchanges).toBe(1);
    expect(fake.chatRequests[1].headers.authorization).toBe('Bearer cp-token-1');
  });

  it('shares one exchange between concurrent callers', async () => {
    const provider = new CopilotProvider(copilotConfig(fake), { timeoutMs: 5000 });
    await Promise.all([1, 2, 3, 4].map(() => provider.chat(request, context())));
    expect(fake.tokenExchanges).toBe(1);
  });

  it('refreshes a token that is within the margin of its expiry', async () => {
    fake.tokenTtlSeconds = 30; // shorter than the 60 s margin: every call needs a new token
    const tokens = new CopilotTokenSource({
      tokenUrl: fake.tokenUrl,
      githubToken: 'gh-test-token',
    });
    expect(await tokens.token(context().abort.signal)).toBe('cp-token-1');
    expect(await tokens.token(context().abort.signal)).toBe('cp-token-2');
  });

  it('refreshes once and retries when chat answers 401 for a token it no longer honours', async () => {
    const provider = new CopilotProvider(copilotConfig(fake), { timeoutMs: 5000 });
    await provider.chat(request, context());
    fake.expireAllTokens();
    const completion = await provider.chat(request, context());
    expect(completion.choices[0].message.content).toBe(fake.openai.options.reply);
    expect(fake.tokenExchanges).toBe(2);
  });

  it('sends the editor headers Copilot requires', async () => {
    await new CopilotProvider(copilotConfig(fake), { timeoutMs: 5000 }).chat(request, context());
    const headers = fake.chatRequests[0].headers;
    expect(headers['editor-version']).toMatch(/^vscode\//);
    expect(headers['copilot-integration-id']).toBe('vscode-chat');
    expect(headers['openai-intent']).toBe('conversation-panel');
  });

  it('fails with a non-retryable 401 when GitHub rejects the token', async () => {
    const provider = new CopilotProvider(
      { ...copilotConfig(fake), apiKey: 'wrong' },
      { timeoutMs: 5000 },
    );
    const error = await provider.chat(request, context()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      status: 401,
      retryable: false,
      body: { message: 'Bad credentials', code: 'copilot_token_exchange_failed' },
    });
  });
});
