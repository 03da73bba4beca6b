import { GatewayError, ProviderError, type ChatCompletionChunk } from '@app/contracts';
import { chunksFromStreamEntries, GATEWAY_RUN, type StreamEntry } from './job-result-stream';

const chunk = (content: string): ChatCompletionChunk => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'local-llm',
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});

async function* entries(list: StreamEntry[]): AsyncGenerator<StreamEntry> {
  yield* list;
}

async function collect(list: StreamEntry[]): Promise<string[]> {
  const texts: string[] = [];
  for await (const each of chunksFromStreamEntries(entries(list)))
    texts.push(each.choices[0].delta.content ?? '');
  return texts;
}

describe('chunksFromStreamEntries', () => {
  it('yields chunks in order and stops at done', async () => {
    const texts = await collect([
      { run: 'a', event: { type: 'chunk', chunk: chunk('x') } },
      { run: 'a', event: { type: 'chunk', chunk: chunk('y') } },
      { run: 'a', event: { type: 'done' } },
      { run: 'a', event: { type: 'chunk', chunk: chunk('never') } },
    ]);
    expect(texts).toEqual(['x', 'y']);
  });

  it('ends with an error when another worker restarts the job after chunks went out', async () => {
    const list: StreamEntry[] = [
      { run: 'a', event: { type: 'chunk', chunk: chunk('x') } },
      { run: 'b', event: { type: 'chunk', chunk: chunk('x') } },
    ];
    await expect(collect(list)).rejects.toMatchObject({
      kind: 'invalid_response',
      code: 'worker_restarted',
    });
  });

  it('turns a worker 400 into a GatewayError and a gateway-written failure into a ProviderError', async () => {
    const badRequest = {
      run: 'a',
      event: {
        type: 'error' as const,
        error: { status: 400, message: 'too long', param: 'messages' },
      },
    };
    await expect(collect([badRequest])).rejects.toBeInstanceOf(GatewayError);
    const failed = {
      run: GATEWAY_RUN,
      event: { type: 'error' as const, error: { status: 502, message: 'stalled' } },
    };
    await expect(collect([failed])).rejects.toBeInstanceOf(ProviderError);
  });
});
