import type { ChatCompletionChunk, FinishReason, ToolCallDelta, Usage } from '@app/contracts';

/**
 * Builds OpenAI `chat.completion.chunk` objects for one streamed answer, so adapters translating
 * another stream format (Anthropic, Gemini, Bedrock) only decide *what* to emit.
 */
export class ChunkWriter {
  readonly created = Math.floor(Date.now() / 1000);

  constructor(
    public id: string,
    public model: string,
  ) {}

  role(choice = 0): ChatCompletionChunk {
    return this.chunk(choice, { role: 'assistant', content: '' });
  }

  content(text: string, choice = 0): ChatCompletionChunk {
    return this.chunk(choice, { content: text });
  }

  /** A reasoning fragment, in the `reasoning_content` delta field OpenAI-compatible clients read. */
  reasoning(text: string, choice = 0): ChatCompletionChunk {
    return this.chunk(choice, { reasoning_content: text });
  }

  toolCall(delta: ToolCallDelta, choice = 0): ChatCompletionChunk {
    return this.chunk(choice, { tool_calls: [delta] });
  }

  finish(reason: FinishReason, choice = 0): ChatCompletionChunk {
    return this.chunk(choice, {}, reason);
  }

  /** The last chunk: no choices, only usage (OpenAI's `include_usage` shape). */
  usage(usage: Usage): ChatCompletionChunk {
    return { ...this.base(), choices: [], usage };
  }

  private chunk(
    choice: number,
    delta: ChatCompletionChunk['choices'][number]['delta'],
    finishReason: FinishReason | null = null,
  ): ChatCompletionChunk {
    return { ...this.base(), choices: [{ index: choice, delta, finish_reason: finishReason }] };
  }

  private base() {
    return {
      id: this.id,
      object: 'chat.completion.chunk' as const,
      created: this.created,
      model: this.model,
    };
  }
}

export function usageOf(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}
