import {
  attachAnthropicMessage,
  streamedAnthropicMessageOf,
  type AnthropicMessage,
  type ChatCompletion,
  type ChatCompletionChoice,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ToolCall,
  type Usage,
} from '@app/contracts';

/** Characters per token of English text in OpenAI's tokenizers (their rule of thumb). */
const CHARACTERS_PER_TOKEN = 4;

/**
 * The prompt tokens of a request, estimated from its messages' text (no tokenizer on the request
 * path): used only when an upstream never reported usage for a stream it did serve.
 */
export function estimatePromptTokens(request: ChatCompletionRequest): number {
  let characters = 0;
  for (const message of request.messages) {
    const content = (message as { content?: unknown }).content;
    if (typeof content === 'string') characters += content.length;
    else if (Array.isArray(content))
      for (const part of content as { text?: unknown }[])
        if (typeof part.text === 'string') characters += part.text.length;
  }
  return Math.ceil(characters / CHARACTERS_PER_TOKEN);
}

interface ChoiceParts {
  content: string[];
  refusal: string[];
  toolCalls: ToolCall[];
  finishReason: ChatCompletionChoice['finish_reason'];
  hasContent: boolean;
}

/**
 * Rebuilds the `chat.completion` a stream amounts to, chunk by chunk: text joined, tool-call
 * argument fragments appended per index, finish reasons and usage kept. Used to cache streams.
 */
export class StreamAssembler {
  private readonly choices = new Map<number, ChoiceParts>();
  private id = '';
  private created = 0;
  private model = '';
  private systemFingerprint: string | null | undefined;
  /** Chunks that carried generated text or tool-call arguments: about one token each. */
  private deliveredChunks = 0;
  /** A passed-through Anthropic stream's whole message (on its last chunk), kept for the cache. */
  private anthropicMessage: AnthropicMessage | undefined;
  usage: Usage | undefined;

  add(chunk: ChatCompletionChunk): void {
    this.anthropicMessage = streamedAnthropicMessageOf(chunk) ?? this.anthropicMessage;
    this.id ||= chunk.id;
    this.created ||= chunk.created;
    this.model ||= chunk.model;
    if (chunk.system_fingerprint) this.systemFingerprint = chunk.system_fingerprint;
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices) {
      const parts = this.partsOf(choice.index);
      const { content, refusal, tool_calls: toolCalls } = choice.delta;
      if (content || refusal || toolCalls?.length) this.deliveredChunks += 1;
      if (typeof content === 'string') {
        parts.content.push(content);
        parts.hasContent = true;
      }
      if (typeof refusal === 'string') parts.refusal.push(refusal);
      for (const delta of toolCalls ?? []) {
        const call = (parts.toolCalls[delta.index] ??= {
          id: '',
          type: 'function',
          function: { name: '', arguments: '' },
        });
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.function.name += delta.function.name;
        if (delta.function?.arguments) call.function.arguments += delta.function.arguments;
      }
      if (choice.finish_reason) parts.finishReason = choice.finish_reason;
    }
  }

  /**
   * What the client was delivered, for a stream that ended without its usage chunk (the upstream
   * or its worker died mid-answer): the provider still generated and bills those tokens.
   * Upstreams send about one token per chunk (OpenAI, llama.cpp), so each chunk that carried
   * text counts as one completion token; the prompt is the caller's estimate.
   */
  deliveredUsage(estimatedPromptTokens: number): Usage {
    return {
      prompt_tokens: estimatedPromptTokens,
      completion_tokens: this.deliveredChunks,
      total_tokens: estimatedPromptTokens + this.deliveredChunks,
    };
  }

  /** True when every choice finished: only complete answers are worth caching. */
  get complete(): boolean {
    return (
      this.choices.size > 0 &&
      [...this.choices.values()].every((parts) => parts.finishReason !== null)
    );
  }

  toCompletion(): ChatCompletion {
    const choices = [...this.choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, parts]): ChatCompletionChoice => ({
        index,
        message: {
          role: 'assistant',
          content: parts.hasContent || parts.toolCalls.length === 0 ? parts.content.join('') : null,
          ...(parts.toolCalls.length > 0 ? { tool_calls: parts.toolCalls.filter(Boolean) } : {}),
          ...(parts.refusal.length > 0 ? { refusal: parts.refusal.join('') } : {}),
        },
        finish_reason: parts.finishReason,
      }));
    const completion: ChatCompletion = {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices,
      ...(this.usage ? { usage: this.usage } : {}),
      ...(this.systemFingerprint ? { system_fingerprint: this.systemFingerprint } : {}),
    };
    return this.anthropicMessage
      ? attachAnthropicMessage(completion, this.anthropicMessage)
      : completion;
  }

  private partsOf(index: number): ChoiceParts {
    let parts = this.choices.get(index);
    if (!parts) {
      parts = { content: [], refusal: [], toolCalls: [], finishReason: null, hasContent: false };
      this.choices.set(index, parts);
    }
    return parts;
  }
}
