import type { ChatCompletion, FinishReason, ToolCall, Usage } from '@app/contracts';
import { singleChoiceCompletion } from '../shared/single-choice-completion';
import { usageOf } from '../shared/chunk-writer';
import type {
  AnthropicMessageResponse,
  AnthropicStopReason,
  AnthropicUsage,
} from './anthropic-wire.types';

/** Anthropic `stop_reason` → OpenAI `finish_reason`. */
export const ANTHROPIC_FINISH_REASONS: Readonly<Record<AnthropicStopReason, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  // A paused server-tool turn ends this response normally; the client may continue it.
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function toFinishReason(stopReason: AnthropicStopReason | null | undefined): FinishReason {
  return (stopReason && ANTHROPIC_FINISH_REASONS[stopReason]) ?? 'stop';
}

/** Anthropic counts cache reads and writes apart from `input_tokens`; OpenAI's prompt count includes them. */
export function toUsage(usage: AnthropicUsage): Usage {
  const cachedTokens = usage.cache_read_input_tokens ?? 0;
  const promptTokens =
    (usage.input_tokens ?? 0) + cachedTokens + (usage.cache_creation_input_tokens ?? 0);
  return {
    ...usageOf(promptTokens, usage.output_tokens ?? 0),
    ...(cachedTokens > 0 ? { prompt_tokens_details: { cached_tokens: cachedTokens } } : {}),
  };
}

/** Anthropic Message → OpenAI chat completion (one choice; tool inputs become JSON strings). */
export function toChatCompletion(message: AnthropicMessageResponse): ChatCompletion {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text' && 'text' in block) text += block.text;
    if (block.type === 'tool_use' && 'input' in block) {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  return singleChoiceCompletion({
    id: message.id,
    model: message.model,
    text,
    toolCalls,
    finishReason: toFinishReason(message.stop_reason),
    usage: toUsage(message.usage),
  });
}
