import { randomUUID } from 'node:crypto';
import { ChatCompletion, ChatCompletionChunk, FinishReason, ToolCall, Usage } from '@app/contracts';

/** What every object of one response shares. */
export interface ResponseIdentity {
  id: string;
  created: number;
  model: string;
}

export function newResponseIdentity(model: string): ResponseIdentity {
  return { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model };
}

export function usageOf(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

export function chatCompletion(
  identity: ResponseIdentity,
  content: string,
  finishReason: FinishReason,
  usage: Usage,
  toolCalls?: ToolCall[],
): ChatCompletion {
  return {
    ...identity,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: toolCalls?.length
          ? { role: 'assistant', content: null, tool_calls: toolCalls }
          : { role: 'assistant', content },
        finish_reason: finishReason,
        logprobs: null,
      },
    ],
    usage,
  };
}

function chunk(
  identity: ResponseIdentity,
  fields: Partial<ChatCompletionChunk>,
): ChatCompletionChunk {
  return { ...identity, object: 'chat.completion.chunk', choices: [], ...fields };
}

/** The first chunk of a stream announces the role, with empty content (as OpenAI does). */
export function roleChunk(identity: ResponseIdentity): ChatCompletionChunk {
  return chunk(identity, {
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
  });
}

export function contentChunk(identity: ResponseIdentity, content: string): ChatCompletionChunk {
  return chunk(identity, { choices: [{ index: 0, delta: { content }, finish_reason: null }] });
}

/** One chunk per tool call, each whole (the local engine knows a call only once it is complete). */
export function toolCallChunks(
  identity: ResponseIdentity,
  calls: ToolCall[],
): ChatCompletionChunk[] {
  return calls.map((call, index) =>
    chunk(identity, {
      choices: [{ index: 0, delta: { tool_calls: [{ index, ...call }] }, finish_reason: null }],
    }),
  );
}

export function finishChunk(
  identity: ResponseIdentity,
  finishReason: FinishReason,
): ChatCompletionChunk {
  return chunk(identity, { choices: [{ index: 0, delta: {}, finish_reason: finishReason }] });
}

/** Sent last, with `choices: []`, when the request set `stream_options.include_usage`. */
export function usageChunk(identity: ResponseIdentity, usage: Usage): ChatCompletionChunk {
  return chunk(identity, { choices: [], usage });
}
