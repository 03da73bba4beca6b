import {
  anthropicMessageOf,
  attachAnthropicEvents,
  messageAsEvents,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionChunkChoice,
} from '@app/contracts';

/**
 * A cached completion as the stream a client expects: per choice a role+content chunk, its tool
 * calls, a finish chunk; then the usage chunk (the controller drops it unless the client asked).
 * A completion that carries Anthropic's own message (a passed-through answer) replays it too:
 * its whole event sequence rides on the first chunk, as a live pass-through stream's events do.
 */
export async function* replayAsStream(
  completion: ChatCompletion,
): AsyncGenerator<ChatCompletionChunk> {
  const native = anthropicMessageOf(completion);
  let first = true;
  for await (const chunk of replayChunks(completion)) {
    yield native && first ? attachAnthropicEvents(chunk, messageAsEvents(native)) : chunk;
    first = false;
  }
}

async function* replayChunks(completion: ChatCompletion): AsyncGenerator<ChatCompletionChunk> {
  const base = {
    id: completion.id,
    object: 'chat.completion.chunk' as const,
    created: completion.created,
    model: completion.model,
  };
  const chunk = (choices: ChatCompletionChunkChoice[]): ChatCompletionChunk => ({
    ...base,
    choices,
  });
  for (const choice of completion.choices) {
    const { content, tool_calls: toolCalls, refusal } = choice.message;
    yield chunk([
      {
        index: choice.index,
        delta: { role: 'assistant', content: content ?? (toolCalls ? null : '') },
        finish_reason: null,
      },
    ]);
    if (toolCalls?.length) {
      const deltas = toolCalls.map((call, index) => ({
        index,
        id: call.id,
        type: call.type,
        function: { ...call.function },
      }));
      yield chunk([{ index: choice.index, delta: { tool_calls: deltas }, finish_reason: null }]);
    }
    if (refusal) yield chunk([{ index: choice.index, delta: { refusal }, finish_reason: null }]);
    yield chunk([
      { index: choice.index, delta: {}, finish_reason: choice.finish_reason ?? 'stop' },
    ]);
  }
  if (completion.usage) yield { ...chunk([]), usage: completion.usage };
}
