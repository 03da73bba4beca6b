import { GatewayError, type ChatMessage, type ContentPart } from '@app/contracts';
import { parseDataUrl, parseToolArguments, partsOf, textOf } from '../shared/message-content';
import { decodeToolCallId, type DecodedToolCallId } from '../shared/tool-call-id-codec';
import type {
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicThinkingBlock,
} from './anthropic-wire.types';

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
    case 'assistant':
      if (message.function_call)
        throw GatewayError.unsupportedField('anthropic', 'messages[].function_call');
      return { role: 'assistant', content: assistantBlocks(message) };
    case 'tool':
      return {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: decodeToolCallId(message.tool_call_id).id,
            content: textOf(message.content),
          },
        ],
      };
    default:
      throw GatewayError.unsupportedField('anthropic', `messages[].role=${message.role}`);
  }
}

/**
 * An assistant turn's blocks. Thinking blocks (with their signatures) come back from the tool-call
 * ids they were carried in, each before the tool use it preceded; the first call's go first of
 * all, since Anthropic requires a thinking turn in a tool loop to start with its thinking.
 * `reasoning_content` is not sent: without its signature Anthropic would refuse it.
 */
function assistantBlocks(
  message: Extract<ConversationMessage, { role: 'assistant' }>,
): AnthropicContentBlock[] {
  const calls = (message.tool_calls ?? []).map((call) => ({
    call,
    decoded: decodeToolCallId(call.id),
  }));
  const blocks: AnthropicContentBlock[] = calls.length > 0 ? thinkingOf(calls[0].decoded) : [];
  const text = textOf(message.content);
  if (text) blocks.push({ type: 'text', text });
  calls.forEach(({ call, decoded }, index) => {
    if (index > 0) blocks.push(...thinkingOf(decoded));
    blocks.push({
      type: 'tool_use',
      id: decoded.id,
      name: call.function.name,
      input: parseToolArguments(call.function.arguments),
    });
  });
  return blocks;
}

function thinkingOf(decoded: DecodedToolCallId): AnthropicThinkingBlock[] {
  if (decoded.opaque?.kind !== 'anthropic-thinking') return [];
  return decoded.opaque.blocks.map((block) =>
    block.type === 'thinking'
      ? { type: 'thinking', thinking: block.thinking, signature: block.signature }
      : { type: 'redacted_thinking', data: block.data },
  );
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
