import { randomUUID } from 'node:crypto';
import { ChatCompletion, ChatCompletionChunk, FinishReason, Usage } from '@app/contracts';

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
): ChatCompletion {
  return {
    ...identity,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content },
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
