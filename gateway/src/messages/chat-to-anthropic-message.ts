import type {
  AnthropicMessage,
  AnthropicResponseContentBlock,
  AnthropicStopReason,
  AnthropicUsage,
  ChatCompletion,
  FinishReason,
  Usage,
} from '@app/contracts';

/** OpenAI `finish_reason` → Anthropic `stop_reason`. */
const STOP_REASONS: Readonly<Record<FinishReason, AnthropicStopReason>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

export function toStopReason(reason: FinishReason | null | undefined): AnthropicStopReason {
  return (reason && STOP_REASONS[reason]) ?? 'end_turn';
}

/**
 * OpenAI usage → Anthropic usage. OpenAI's prompt count includes cached tokens, Anthropic's
 * `input_tokens` does not: cached ones are `cache_read_input_tokens`.
 */
export function toAnthropicUsage(usage: Usage | null | undefined): AnthropicUsage {
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cached),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}

/** Anthropic message ids are `msg_` and letters/digits; OpenAI's `chatcmpl-…` becomes one. */
export function anthropicMessageId(id: string): string {
  if (id.startsWith('msg_')) return id;
  const plain = id.replace(/^chatcmpl-/, '').replace(/[^A-Za-z0-9]/g, '');
  return `msg_${plain || Date.now().toString(36)}`;
}

/** Tool input as Anthropic's object; arguments that are not a JSON object are kept under `value`. */
export function toolInputOf(argumentsJson: string): Record<string, unknown> {
  if (!argumentsJson.trim()) return {};
  try {
    const parsed = JSON.parse(argumentsJson) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : { value: parsed };
  } catch {
    // A model that wrote broken JSON: the client sees what it wrote rather than nothing.
    return { value: argumentsJson };
  }
}

/**
 * An internal (OpenAI) completion → Anthropic's `message`: reasoning becomes a thinking block
 * (first, as Claude's are; with an empty signature, since no Claude model signed it), text a text
 * block, each tool call a `tool_use` block with its input parsed.
 */
export function toAnthropicMessage(completion: ChatCompletion): AnthropicMessage {
  const choice = completion.choices[0];
  const message = choice?.message;
  const content: AnthropicResponseContentBlock[] = [];
  if (message?.reasoning_content)
    content.push({ type: 'thinking', thinking: message.reasoning_content, signature: '' });
  const text = [message?.content, message?.refusal].filter(Boolean).join('');
  if (text) content.push({ type: 'text', text });
  for (const call of message?.tool_calls ?? [])
    content.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: toolInputOf(call.function.arguments),
    });
  return {
    id: anthropicMessageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: completion.model,
    content,
    stop_reason: toStopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: toAnthropicUsage(completion.usage),
  };
}
