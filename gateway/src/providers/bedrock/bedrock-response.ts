import type {
  ConverseResponse,
  ReasoningContentBlock,
  StopReason,
  TokenUsage,
} from '@aws-sdk/client-bedrock-runtime';
import { encodeToolCallId, type ClaudeThinkingBlock } from '../shared/tool-call-id-codec';
import { singleChoiceCompletion } from '../shared/single-choice-completion';
import type { ChatCompletion, FinishReason, ToolCall, Usage } from '@app/contracts';
import { usageOf } from '../shared/chunk-writer';

/** Converse `stopReason` → OpenAI `finish_reason`. Unknown reasons fall back to 'stop'. */
export const BEDROCK_FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

export function toFinishReason(stopReason: StopReason | string | null | undefined): FinishReason {
  return (stopReason && BEDROCK_FINISH_REASONS[stopReason]) || 'stop';
}

/** Converse counts cache reads and writes apart from `inputTokens`; OpenAI's prompt count includes them. */
export function toUsage(usage: Partial<TokenUsage> | undefined): Usage {
  const cachedTokens = usage?.cacheReadInputTokens ?? 0;
  const promptTokens =
    (usage?.inputTokens ?? 0) + cachedTokens + (usage?.cacheWriteInputTokens ?? 0);
  return {
    ...usageOf(promptTokens, usage?.outputTokens ?? 0),
    ...(cachedTokens > 0 ? { prompt_tokens_details: { cached_tokens: cachedTokens } } : {}),
  };
}

/**
 * Converse response → OpenAI chat completion (one choice; tool inputs become JSON strings).
 * Reasoning blocks become `reasoning_content` and travel on in the id of the tool call they
 * preceded (see tool-call-id-codec); the answer tool's input becomes the message content.
 */
export function toChatCompletion(
  response: ConverseResponse,
  model: string,
  id: string,
  options: { answerTool?: string } = {},
): ChatCompletion {
  let text = '';
  let reasoning = '';
  let pendingReasoning: ClaudeThinkingBlock[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of response.output?.message?.content ?? []) {
    const thinking = reasoningBlockOf(block.reasoningContent);
    if (thinking) {
      pendingReasoning.push(thinking);
      if (thinking.type === 'thinking') reasoning += thinking.thinking;
    }
    if (typeof block.text === 'string') text += block.text;
    if (!block.toolUse) continue;
    const input = JSON.stringify(block.toolUse.input ?? {});
    if (block.toolUse.name === options.answerTool) {
      text += input;
      continue;
    }
    toolCalls.push({
      id: toolCallId(block.toolUse.toolUseId ?? '', pendingReasoning),
      type: 'function',
      function: { name: block.toolUse.name ?? '', arguments: input },
    });
    pendingReasoning = [];
  }
  const finishReason = toFinishReason(response.stopReason);
  return singleChoiceCompletion({
    id,
    model,
    text,
    reasoning,
    toolCalls,
    // A turn that ended on the answer tool alone is a finished answer, not a request for tools.
    finishReason: finishReason === 'tool_calls' && toolCalls.length === 0 ? 'stop' : finishReason,
    usage: toUsage(response.usage),
  });
}

/** A Converse reasoning block as the next turn must send it back (redacted bytes as base64). */
export function reasoningBlockOf(
  content: ReasoningContentBlock | undefined,
): ClaudeThinkingBlock | undefined {
  if (content?.reasoningText)
    return {
      type: 'thinking',
      thinking: content.reasoningText.text ?? '',
      signature: content.reasoningText.signature ?? '',
    };
  if (content?.redactedContent)
    return { type: 'redacted', data: Buffer.from(content.redactedContent).toString('base64') };
  return undefined;
}

/** The OpenAI id of a tool use, carrying the reasoning that preceded it. */
export function toolCallId(toolUseId: string, reasoning: ClaudeThinkingBlock[]): string {
  return encodeToolCallId(
    toolUseId,
    reasoning.length > 0 ? { kind: 'bedrock-thinking', blocks: reasoning } : undefined,
  );
}
