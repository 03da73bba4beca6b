import {
  ANTHROPIC_FAKE_FAILURES,
  FakeAnthropicServer,
  type AnthropicFakeBehaviour,
} from '@app/testing';
import type { ProviderConfig } from '@app/config';
import {
  describeProviderConformance,
  type ConformanceFailure,
} from '../../../test/conformance/provider-conformance';
import { AnthropicProvider } from './anthropic.provider';

const FAILURES: Record<ConformanceFailure, AnthropicFakeBehaviour> = {
  'bad-request': 'bad-request',
  unauthorized: 'unauthorized',
  'rate-limit': 'rate-limit',
  'server-error': 'error-500',
  overloaded: 'overloaded',
};

describeProviderConformance('anthropic', async () => {
  const fake = await FakeAnthropicServer.start({ retryAfterSeconds: 3 });
  const config: ProviderConfig = {
    id: 'anthropic',
    type: 'anthropic',
    baseUrl: fake.baseUrl,
    apiKey: 'test-key',
    defaultModel: 'claude-test',
    models: ['claude-test'],
    aliases: [],
    headers: {},
    options: { maxTokens: 256 },
  };
  return {
    provider: new AnthropicProvider(config, { timeoutMs: 5000 }),
    model: 'claude-test',
    reply: fake.options.reply,
    retryAfterSeconds: 3,
    failNext: (failure) => void fake.enqueue(FAILURES[failure]),
    lastUpstreamBody: () => fake.messageRequests[fake.messageRequests.length - 1]?.rawBody ?? '',
    badRequest: { message: ANTHROPIC_FAKE_FAILURES['bad-request'].message },
    reasoningUpstreamMarker: '"thinking":{"type":"adaptive"}',
    supports: { images: true, overload: true, opaqueToolData: 'claude-thinking' },
    stop: () => fake.stop(),
  };
});
