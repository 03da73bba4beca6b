import { FakeAnthropicServer } from '@app/testing';
import type { ProviderConfig } from '@app/config';
import { AnthropicProvider } from './anthropic.provider';
import type { ProviderLogger } from './anthropic-sdk-log';
import { AbortSource } from '@app/http';

describe('@anthropic-ai/sdk warnings', () => {
  let fake: FakeAnthropicServer;
  beforeAll(async () => {
    fake = await FakeAnthropicServer.start();
  });
  afterAll(() => fake.stop());

  it('reach the structured log once per model, never the console', async () => {
    const warnings: { fields: object; message: string }[] = [];
    const logger = {
      warn: (fields: object, message: string) => void warnings.push({ fields, message }),
      error: () => undefined,
      info: () => undefined,
      debug: () => undefined,
    } as unknown as ProviderLogger;
    const config: ProviderConfig = {
      id: 'anthropic',
      type: 'anthropic',
      baseUrl: fake.baseUrl,
      apiKey: 'k',
      defaultModel: 'claude-sonnet-4-5',
      models: [],
      aliases: [],
      headers: {},
      options: {},
    };
    const provider = new AnthropicProvider(config, { timeoutMs: 5000, logger });
    const originalWarn = console.warn;
    const consoleWarn = jest.spyOn(console, 'warn');
    const context = { abort: new AbortSource(), requestId: 'log' };
    try {
      // The SDK deems claude-sonnet-4-5 deprecated and warns on every call it makes.
      const ask = {
        model: 'claude-sonnet-4-5',
        messages: [{ role: 'user' as const, content: 'hi' }],
      };
      await provider.chat(ask, context);
      await provider.chat(ask, context);
      for await (const _chunk of provider.stream({ ...ask, stream: true }, context));
      expect(consoleWarn).not.toHaveBeenCalled();
    } finally {
      consoleWarn.mockRestore();
    }
    expect(warnings).toEqual([
      {
        fields: { provider: 'anthropic', source: '@anthropic-ai/sdk', model: 'claude-sonnet-4-5' },
        message: expect.stringMatching(/claude-sonnet-4-5' is deprecated/),
      },
    ]);
    expect(console.warn).toBe(originalWarn);
  });
});
