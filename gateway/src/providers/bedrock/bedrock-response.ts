import type { ConverseResponse, StopReason, TokenUsage } from '@aws-sdk/client-bedrock-runtime';
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

/** Converse response → OpenAI chat completion (one choice; tool inputs become JSON strings). */
export function toChatCompletion(
  response: ConverseResponse,
  model: string,
  id: string,
): ChatCompletion {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of response.output?.message?.content ?? []) {
    if (typeof block.text === 'string') text += block.text;
    if (block.toolUse) {
      toolCalls.push({
        id: block.toolUse.toolUseId ?? '',
        type: 'function',
        function: {
          name: block.toolUse.name ?? '',
          arguments: JSON.stringify(block.toolUse.input ?? {}),
        },
      });
    }
  }
  return singleChoiceCompletion({
    id: id,
    model: model,
    text,
    toolCalls,
    finishReason: toFinishReason(response.stopReason),
    usage: toUsage(response.usage),
  });
}
