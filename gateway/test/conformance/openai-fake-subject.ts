import {
  OPENAI_FAKE_BAD_REQUEST,
  type FakeOpenAIServer,
  type OpenAIFakeBehaviour,
  type RecordedRequest,
} from '@app/testing';
import type { ChatProvider } from '../../src/providers/chat-provider';
import type { ConformanceFailure, ConformanceSubject } from './provider-conformance';

/** OpenAI-format fakes have no overload status of their own; 'error-500' stands in for it. */
const OPENAI_FAILURES: Record<ConformanceFailure, OpenAIFakeBehaviour> = {
  'bad-request': 'bad-request',
  unauthorized: 'unauthorized',
  'rate-limit': 'rate-limit',
  'server-error': 'error-500',
  overloaded: 'error-500',
};

/** Options every OpenAI-format fake needs for the conformance suite. */
export const CONFORMANCE_OPENAI_FAKE_OPTIONS = {
  retryAfterSeconds: 2,
  toolCalls: 'every-tool',
  answerToolResults: true,
  // Returned as OpenAI-compatible reasoning servers (DeepSeek, vLLM) return it.
  reasoningContent: 'Reasoning from the fake upstream.',
} as const;

/**
 * The conformance subject for adapters whose upstream speaks the OpenAI format (OpenAI, Azure,
 * Copilot): failures are switched on the FakeOpenAIServer, bodies read from the front fake.
 */
export function openAIFakeSubject(
  provider: ChatProvider,
  openai: FakeOpenAIServer,
  chatRequests: () => RecordedRequest[],
  stop: () => Promise<void>,
  extra: { promptFilterResults?: boolean } = {},
): ConformanceSubject {
  return {
    provider,
    model: 'gpt-test',
    reply: openai.options.reply,
    retryAfterSeconds: CONFORMANCE_OPENAI_FAKE_OPTIONS.retryAfterSeconds,
    failNext: (failure) => void openai.enqueue(OPENAI_FAILURES[failure]),
    lastUpstreamBody: () => chatRequests()[chatRequests().length - 1]?.rawBody ?? '',
    badRequest: { message: OPENAI_FAKE_BAD_REQUEST.message, param: OPENAI_FAKE_BAD_REQUEST.param },
    // Same wire format: the field itself goes upstream, unchanged.
    reasoningUpstreamMarker: '"reasoning_effort":"high"',
    supports: { images: true, overload: false, opaqueToolData: 'none', ...extra },
    stop,
  };
}
