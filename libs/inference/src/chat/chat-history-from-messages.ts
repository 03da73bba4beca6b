import { ChatMessage, ContentPart, GatewayError } from '@app/contracts';
import type { ChatHistoryItem } from 'node-llama-cpp' with { 'resolution-mode': 'import' };

/**
 * OpenAI messages → node-llama-cpp chat history, ending with an empty model turn to generate.
 *
 * Tool traffic is translated to text rather than rejected, so a conversation that started on a
 * tool-capable provider can fall back to the local model: a tool result becomes a user turn
 * ("Tool result (call id): …") and an assistant's tool calls become text in its turn. Images and
 * other non-text parts are rejected (the local model reads text only).
 */
export function chatHistoryFromMessages(
  messages: ChatMessage[],
  defaultSystemPrompt?: string,
): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const hasSystemMessage = messages.some(
    (message) => message.role === 'system' || message.role === 'developer',
  );
  if (defaultSystemPrompt && !hasSystemMessage) {
    history.push({ type: 'system', text: defaultSystemPrompt });
  }
  messages.forEach((message, index) => history.push(historyItemFromMessage(message, index)));
  history.push({ type: 'model', response: [] });
  return history;
}

function historyItemFromMessage(message: ChatMessage, index: number): ChatHistoryItem {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { type: 'system', text: textOf(message.content, index) };
    case 'user':
      return { type: 'user', text: textOf(message.content, index) };
    case 'assistant': {
      const calls = (message.tool_calls ?? []).map(
        (call) => `[called tool ${call.function.name}(${call.function.arguments})]`,
      );
      const text = [textOf(message.content ?? '', index), ...calls]
        .filter((part) => part !== '')
        .join('\n');
      return { type: 'model', response: [text] };
    }
    case 'tool':
      return {
        type: 'user',
        text: `Tool result (${message.tool_call_id}): ${textOf(message.content, index)}`,
      };
    case 'function':
      return { type: 'user', text: `Function result (${message.name}): ${message.content ?? ''}` };
  }
}

function textOf(content: string | ContentPart[] | null, index: number): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part) => {
      if (part.type === 'text' && typeof part.text === 'string') return part.text;
      throw GatewayError.invalidRequest(
        `The local model reads text only; content part type '${part.type}' is not supported`,
        `messages[${index}].content`,
        'unsupported_content',
      );
    })
    .join('\n');
}
