import type { ChatCompletion, FinishReason, ToolCall, Usage } from '@app/contracts';
import { singleChoiceCompletion } from '../shared/single-choice-completion';
import { usageOf } from '../shared/chunk-writer';
import { encodeToolCallId, type ClaudeThinkingBlock } from '../shared/tool-call-id-codec';
import type {
  AnthropicMessageResponse,
  AnthropicResponseBlock,
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

/** How to read one answer: which tool, if any, carries the structured-output answer. */
export interface AnswerOptions {
  answerTool?: string;
}

/**
 * Anthropic Message → OpenAI chat completion (one choice; tool inputs become JSON strings).
 * Thinking blocks become `reasoning_content`, and travel on in the id of the tool call they
 * preceded (see tool-call-id-codec); the answer tool's input becomes the message content.
 */
export function toChatCompletion(
  message: AnthropicMessageResponse,
  options: AnswerOptions = {},
): ChatCompletion {
  let text = '';
  let reasoning = '';
  let pendingThinking: ClaudeThinkingBlock[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    const thinking = thinkingBlockOf(block);
    if (thinking) {
      pendingThinking.push(thinking);
      if (thinking.type === 'thinking') reasoning += thinking.thinking;
    } else if (block.type === 'text' && 'text' in block) {
      text += block.text;
    } else if (block.type === 'tool_use' && 'input' in block) {
      const input = JSON.stringify(block.input ?? {});
      if (block.name === options.answerTool) {
        text += input;
        continue;
      }
      toolCalls.push({
        id: toolCallId(block.id, pendingThinking),
        type: 'function',
        function: { name: block.name, arguments: input },
      });
      pendingThinking = [];
    }
  }
  const finishReason = toFinishReason(message.stop_reason);
  return singleChoiceCompletion({
    id: message.id,
    model: message.model,
    text,
    reasoning,
    toolCalls,
    // A turn that ended on the answer tool alone is a finished answer, not a request for tools.
    finishReason: finishReason === 'tool_calls' && toolCalls.length === 0 ? 'stop' : finishReason,
    usage: toUsage(message.usage),
  });
}

/** A thinking or redacted-thinking block as the next turn must send it back. */
export function thinkingBlockOf(block: AnthropicResponseBlock): ClaudeThinkingBlock | undefined {
  if (block.type === 'thinking' && 'signature' in block)
    return { type: 'thinking', thinking: block.thinking ?? '', signature: block.signature };
  if (block.type === 'redacted_thinking' && 'data' in block)
    return { type: 'redacted', data: block.data };
  return undefined;
}

/** The OpenAI id of a tool use, carrying the thinking that preceded it. */
export function toolCallId(toolUseId: string, thinking: ClaudeThinkingBlock[]): string {
  return encodeToolCallId(
    toolUseId,
    thinking.length > 0 ? { kind: 'anthropic-thinking', blocks: thinking } : undefined,
  );
}
