import { GatewayError, type ChatMessage, type ContentPart } from '@app/contracts';
import { parseDataUrl, parseToolArguments, partsOf, textOf } from '../shared/message-content';
import type { AnthropicContentBlock, AnthropicMessage } from './anthropic-wire.types';

export interface AnthropicConversation {
  system: { type: 'text'; text: string }[];
  messages: AnthropicMessage[];
}

/**
 * OpenAI messages → Anthropic `system` + `messages`. System and developer messages are lifted
 * into `system` (Anthropic has no system role), tool results become user-role `tool_result`
 * blocks, and consecutive same-role messages are merged because Anthropic requires turns to
 * alternate.
 */
export function toAnthropicConversation(messages: ChatMessage[]): AnthropicConversation {
  const system: AnthropicConversation['system'] = [];
  const turns: AnthropicMessage[] = [];
  for (const message of messages) {
    if (message.role === 'system' || message.role === 'developer') {
      const text = textOf(message.content);
      if (text) system.push({ type: 'text', text });
      continue;
    }
    const turn = toAnthropicTurn(message as ConversationMessage);
    if (turn.content.length > 0) appendMerging(turns, turn);
  }
  return { system, messages: turns };
}

function appendMerging(turns: AnthropicMessage[], turn: AnthropicMessage): void {
  const previous = turns[turns.length - 1];
  if (previous?.role === turn.role) previous.content.push(...turn.content);
  else turns.push({ role: turn.role, content: [...turn.content] });
}

type ConversationMessage = Exclude<ChatMessage, { role: 'system' | 'developer' }>;

function toAnthropicTurn(message: ConversationMessage): AnthropicMessage {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: partsOf(message.content).map(toUserBlock) };
    case 'assistant': {
      if (message.function_call)
        throw GatewayError.unsupportedField('anthropic', 'messages[].function_call');
      const text = textOf(message.content);
      const blocks: AnthropicContentBlock[] = text ? [{ type: 'text', text }] : [];
      for (const call of message.tool_calls ?? []) {
        blocks.push({
          type: 'tool_use',
          id: call.id,
          name: call.function.name,
          input: parseToolArguments(call.function.arguments),
        });
      }
      return { role: 'assistant', content: blocks };
    }
    case 'tool':
      return {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: message.tool_call_id,
            content: textOf(message.content),
          },
        ],
      };
    default:
      throw GatewayError.unsupportedField('anthropic', `messages[].role=${message.role}`);
  }
}

function toUserBlock(part: ContentPart): AnthropicContentBlock {
  if (part.type === 'text' && typeof part.text === 'string')
    return { type: 'text', text: part.text };
  if (part.type === 'image_url') {
    const url = (part as { image_url: { url: string } }).image_url.url;
    const dataUrl = parseDataUrl(url);
    if (dataUrl)
      return {
        type: 'image',
        source: { type: 'base64', media_type: dataUrl.mediaType, data: dataUrl.base64 },
      };
    if (/^https?:\/\//.test(url)) return { type: 'image', source: { type: 'url', url } };
    throw GatewayError.invalidRequest(
      'image_url.url must be an http(s) URL or a base64 data URL',
      'messages',
    );
  }
  throw GatewayError.unsupportedField('anthropic', `messages[].content[].type=${part.type}`);
}
