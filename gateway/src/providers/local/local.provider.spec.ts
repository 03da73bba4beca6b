import {
  GatewayError,
  ProviderError,
  type ChatCompletion,
  type ChatCompletionRequest,
} from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import type { LocalDispatcher } from '@app/inference/dispatch';
import { LocalProvider } from './local.provider';
import { AbortSource } from '@app/http';

const config: ProviderConfig = {
  id: 'local',
  type: 'local',
  defaultModel: 'local-llm',
  models: ['local-llm'],
  aliases: ['local-worker'],
  headers: {},
  options: {},
};
const request: ChatCompletionRequest = {
  model: 'local-llm',
  messages: [{ role: 'user', content: 'hi' }],
};
const context = () => ({ abort: new AbortSource(), requestId: 'request-1' });

function dispatcherWithDepth(depth: number): LocalDispatcher & { complete: jest.Mock } {
  return {
    complete: jest.fn(async () => ({ object: 'chat.completion' }) as ChatCompletion),
    stream: jest.fn(),
    embed: jest.fn(),
    rag: jest.fn(),
    queueDepth: jest.fn(async () => depth),
    status: jest.fn(),
    close: jest.fn(),
  };
}

describe('LocalProvider', () => {
  it('answers a retryable 503 at once when the queue is at WORKER_MAX_QUEUE, without queueing', async () => {
    const dispatcher = dispatcherWithDepth(5);
    const provider = new LocalProvider(config, dispatcher, { maxQueue: 5, requestTimeoutMs: 1000 });
    const attempt = provider.chat(request, context());
    await expect(attempt).rejects.toBeInstanceOf(ProviderError);
    await expect(attempt).rejects.toMatchObject({
      kind: 'unavailable',
      status: 503,
      retryable: true,
    });
    expect(dispatcher.complete).not.toHaveBeenCalled();
  });

  it('dispatches a job carrying the request id and a deadline one request timeout away', async () => {
    const dispatcher = dispatcherWithDepth(0);
    const provider = new LocalProvider(config, dispatcher, { maxQueue: 5, requestTimeoutMs: 1000 });
    const before = Date.now();
    await provider.chat(request, context());
    const job = dispatcher.complete.mock.calls[0][0];
    expect(job).toMatchObject({ requestId: 'request-1', request });
    expect(job.deadline).toBeGreaterThanOrEqual(before + 1000);
  });

  it.each([
    ['tools[0].type', { tools: [{ type: 'custom', custom: { name: 'f' } }] }],
    ['n', { n: 2 }],
    ['logprobs', { logprobs: true }],
    ['audio', { audio: { voice: 'alloy', format: 'mp3' } }],
    ['frequency_penalty', { frequency_penalty: 0.5 }],
  ])('rejects %s with a 400 naming the field', (field, extra) => {
    const provider = new LocalProvider(config, dispatcherWithDepth(0), {
      maxQueue: 5,
      requestTimeoutMs: 1000,
    });
    expect(() =>
      provider.assertSupported({ ...request, ...extra } as ChatCompletionRequest),
    ).toThrow(expect.objectContaining({ status: 400, param: field }));
  });

  it('accepts the sampling fields llama.cpp honours', () => {
    const provider = new LocalProvider(config, dispatcherWithDepth(0), {
      maxQueue: 5,
      requestTimeoutMs: 1000,
    });
    const honoured = {
      ...request,
      max_tokens: 5,
      temperature: 0.2,
      top_p: 0.9,
      seed: 1,
      stop: ['x'],
      response_format: { type: 'json_object' as const },
    };
    expect(() => provider.assertSupported(honoured)).not.toThrow();
    const withTools = {
      ...request,
      tools: [{ type: 'function' as const, function: { name: 'f' } }],
      tool_choice: 'required' as const,
      parallel_tool_calls: false,
    };
    expect(() => provider.assertSupported(withTools)).not.toThrow();
  });

  it('rejects token-array input and dimensions for embeddings', async () => {
    const provider = new LocalProvider(config, dispatcherWithDepth(0), {
      maxQueue: 5,
      requestTimeoutMs: 1000,
    });
    await expect(
      provider.embed({ model: 'local-embeddings', input: [[1, 2]] }, context()),
    ).rejects.toBeInstanceOf(GatewayError);
    await expect(
      provider.embed({ model: 'local-embeddings', input: ['a'], dimensions: 8 }, context()),
    ).rejects.toMatchObject({ param: 'dimensions' });
  });
});
