import { BEDROCK_FAKE_FAILURES, FakeBedrockServer, type BedrockFakeBehaviour } from '@app/testing';
import type { ProviderConfig } from '@app/config';
import {
  describeProviderConformance,
  type ConformanceFailure,
} from '../../../test/conformance/provider-conformance';
import { BedrockProvider } from './bedrock.provider';

const FAILURES: Record<ConformanceFailure, BedrockFakeBehaviour> = {
  'bad-request': 'bad-request',
  unauthorized: 'unauthorized',
  'rate-limit': 'rate-limit',
  'server-error': 'error-500',
  overloaded: 'overloaded',
};

describeProviderConformance('bedrock', async () => {
  const fake = await FakeBedrockServer.start({ retryAfterSeconds: 3 });
  const config: ProviderConfig = {
    id: 'bedrock',
    type: 'bedrock',
    baseUrl: fake.baseUrl,
    defaultModel: 'anthropic.claude-test-v1:0',
    models: ['anthropic.claude-test-v1:0'],
    aliases: [],
    headers: {},
    // Static dummy credentials keep the test off the real credential chain.
    options: {
      region: 'us-east-1',
      accessKeyId: 'AKIDFAKE',
      secretAccessKey: 'fake-secret',
      maxTokens: 256,
    },
  };
  return {
    provider: new BedrockProvider(config, { timeoutMs: 5000 }),
    model: 'anthropic.claude-test-v1:0',
    reply: fake.options.reply,
    retryAfterSeconds: 3,
    failNext: (failure) => void fake.enqueue(FAILURES[failure]),
    lastUpstreamBody: () => fake.converseRequests[fake.converseRequests.length - 1]?.rawBody ?? '',
    badRequest: { message: BEDROCK_FAKE_FAILURES['bad-request'].message },
    // An unversioned Claude id takes Anthropic's manual (budget) thinking form.
    reasoningUpstreamMarker: '"thinking":{"type":"enabled","budget_tokens":16384}',
    supports: { images: true, overload: true, opaqueToolData: 'claude-thinking' },
    stop: () => fake.stop(),
  };
});
