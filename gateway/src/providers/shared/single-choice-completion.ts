import type { ChatCompletion, FinishReason, ToolCall, Usage } from '@app/contracts';

/**
 * The OpenAI completion for providers that return one answer of text and tool calls (Anthropic,
 * Bedrock): content is null when only tool calls came back, as OpenAI does.
 */
export function singleChoiceCompletion(answer: {
  id: string;
  model: string;
  text: string;
  /** The model's reasoning, returned as `reasoning_content` when there is any. */
  reasoning?: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
}): ChatCompletion {
  const hasToolCalls = answer.toolCalls.length > 0;
  return {
    id: answer.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: answer.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.text || (hasToolCalls ? null : ''),
          ...(answer.reasoning ? { reasoning_content: answer.reasoning } : {}),
          ...(hasToolCalls ? { tool_calls: answer.toolCalls } : {}),
        },
        finish_reason: answer.finishReason,
      },
    ],
    usage: answer.usage,
  };
}
