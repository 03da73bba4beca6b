import { FakeGeminiServer, GEMINI_FAKE_FAILURES, type GeminiFakeBehaviour } from '@app/testing';
import type { ProviderConfig } from '@app/config';
import {
  describeProviderConformance,
  type ConformanceFailure,
} from '../../../test/conformance/provider-conformance';
import { GeminiProvider } from './gemini.provider';

const FAILURES: Record<ConformanceFailure, GeminiFakeBehaviour> = {
  'bad-request': 'bad-request',
  unauthorized: 'unauthorized',
  'rate-limit': 'rate-limit',
  'server-error': 'error-500',
  overloaded: 'overloaded',
};

async function startGeminiSubject() {
  const fake = await FakeGeminiServer.start({ retryAfterSeconds: 2 });
  const config: ProviderConfig = {
    id: 'gemini',
    type: 'gemini',
    baseUrl: fake.baseUrl,
    apiKey: 'test-key',
    defaultModel: 'gemini-test',
    models: ['gemini-test'],
    embeddingModel: 'embedding-test',
    aliases: [],
    headers: {},
    options: {},
  };
  return { fake, provider: new GeminiProvider(config, { timeoutMs: 5000 }) };
}

describeProviderConformance('gemini', async () => {
  const { fake, provider } = await startGeminiSubject();
  return {
    provider,
    model: 'gemini-test',
    reply: fake.options.reply,
    retryAfterSeconds: 2,
    failNext: (failure) => void fake.enqueue(FAILURES[failure]),
    lastUpstreamBody: () => fake.generateRequests[fake.generateRequests.length - 1]?.rawBody ?? '',
    badRequest: { message: GEMINI_FAKE_FAILURES['bad-request'].message },
    reasoningUpstreamMarker: '"thinkingConfig":{"thinkingLevel":"HIGH","includeThoughts":true}',
    supports: { images: true, overload: true, opaqueToolData: 'gemini-thought-signature' },
    stop: () => fake.stop(),
  };
});
