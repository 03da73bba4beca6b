import type { ChatCompletionChunk } from '@app/contracts';
import { replayAsStream } from './completion-replay';
import { estimatePromptTokens, StreamAssembler } from './stream-assembler';

const base = {
  id: 'c1',
  object: 'chat.completion.chunk' as const,
  created: 1,
  model: 'gpt-4o-mini',
};

async function collect(iterable: AsyncIterable<ChatCompletionChunk>) {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

describe('StreamAssembler and replayAsStream', () => {
  it('assembles text, tool-call fragments and usage, and a replay assembles back to the same completion', async () => {
    const assembler = new StreamAssembler();
    const chunks: ChatCompletionChunk[] = [
      {
        ...base,
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      },
      { ...base, choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: null }] },
      {
        ...base,
        choices: [
          {
            index: 1,
            delta: {
              tool_calls: [
                {
                  index: 0,
                  id: 'call_1',
                  type: 'function',
                  function: { name: 'f', arguments: '{"a"' },
                },
              ],
            },
            finish_reason: null,
          },
        ],
      },
      {
        ...base,
        choices: [
          {
            index: 1,
            delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] },
            finish_reason: null,
          },
        ],
      },
      {
        ...base,
        choices: [
          { index: 0, delta: {}, finish_reason: 'stop' },
          { index: 1, delta: {}, finish_reason: 'tool_calls' },
        ],
      },
      { ...base, choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } },
    ];
    chunks.forEach((chunk) => assembler.add(chunk));
    expect(assembler.complete).toBe(true);
    const completion = assembler.toCompletion();
    expect(completion.choices[0].message.content).toBe('Hello');
    expect(completion.choices[1].message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
    ]);
    expect(completion.usage?.total_tokens).toBe(7);

    const again = new StreamAssembler();
    (await collect(replayAsStream(completion))).forEach((chunk) => again.add(chunk));
    expect(again.toCompletion()).toEqual(completion);
  });

  it('is not complete until every choice has finished', () => {
    const assembler = new StreamAssembler();
    assembler.add({
      ...base,
      choices: [{ index: 0, delta: { content: 'partial' }, finish_reason: null }],
    });
    expect(assembler.complete).toBe(false);
  });

  it('counts what a stream cut short delivered: one token per chunk that carried text', () => {
    const assembler = new StreamAssembler();
    assembler.add({
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    for (const word of ['Once', ' upon', ' a'])
      assembler.add({
        ...base,
        choices: [{ index: 0, delta: { content: word }, finish_reason: null }],
      });
    expect(assembler.usage).toBeUndefined();
    const prompt = estimatePromptTokens({
      model: 'm',
      messages: [{ role: 'user', content: 'x'.repeat(40) }],
    });
    expect(prompt).toBe(10);
    expect(assembler.deliveredUsage(prompt)).toEqual({
      prompt_tokens: 10,
      completion_tokens: 3,
      total_tokens: 13,
    });
  });
});
