import type {
  ContentBlock,
  ImageFormat,
  Message,
  SystemContentBlock,
} from '@aws-sdk/client-bedrock-runtime';
import type { DocumentType } from '@smithy/types';
import { GatewayError, type ChatMessage, type ContentPart } from '@app/contracts';
import { parseDataUrl, parseToolArguments, partsOf, textOf } from '../shared/message-content';
import { decodeToolCallId, type DecodedToolCallId } from '../shared/tool-call-id-codec';

export interface BedrockConversation {
  system: SystemContentBlock[];
  messages: Message[];
}

/** Media types Converse takes as image blocks, by their `format` name. */
export const BEDROCK_IMAGE_FORMATS: Readonly<Record<string, ImageFormat>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/**
 * OpenAI messages → Converse `system` + `messages`. System and developer messages become system
 * blocks, tool results become user-role `toolResult` blocks, and consecutive same-role messages
 * are merged because Converse requires turns to alternate.
 */
export function toBedrockConversation(messages: ChatMessage[]): BedrockConversation {
  const system: SystemContentBlock[] = [];
  const turns: Message[] = [];
  for (const message of messages) {
    if (message.role === 'system' || message.role === 'developer') {
      const text = textOf(message.content);
      if (text) system.push({ text });
      continue;
    }
    const turn = toBedrockTurn(message as ConversationMessage);
    if (turn.content!.length > 0) appendMerging(turns, turn);
  }
  return { system, messages: turns };
}

function appendMerging(turns: Message[], turn: Message): void {
  const previous = turns[turns.length - 1];
  if (previous?.role === turn.role) previous.content!.push(...turn.content!);
  else turns.push({ role: turn.role, content: [...turn.content!] });
}

type ConversationMessage = Exclude<ChatMessage, { role: 'system' | 'developer' }>;

function toBedrockTurn(message: ConversationMessage): Message {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: partsOf(message.content).map(toUserBlock) };
    case 'assistant':
      if (message.function_call)
        throw GatewayError.unsupportedField('bedrock', 'messages[].function_call');
      return { role: 'assistant', content: assistantBlocks(message) };
    case 'tool':
      return {
        role: 'user',
        content: [
          {
            toolResult: {
              toolUseId: decodeToolCallId(message.tool_call_id).id,
              content: [{ text: textOf(message.content) }],
            },
          },
        ],
      };
    default:
      throw GatewayError.unsupportedField(
        'bedrock',
        `messages[].role=${(message as { role: string }).role}`,
      );
  }
}

/**
 * An assistant turn's blocks: reasoning blocks (with signatures) restored from the tool-call ids
 * that carried them, each before the tool use it preceded, the first call's before everything, as
 * Claude requires of a thinking turn in a tool loop.
 */
function assistantBlocks(
  message: Extract<ConversationMessage, { role: 'assistant' }>,
): ContentBlock[] {
  const calls = (message.tool_calls ?? []).map((call) => ({
    call,
    decoded: decodeToolCallId(call.id),
  }));
  const blocks: ContentBlock[] = calls.length > 0 ? reasoningOf(calls[0].decoded) : [];
  const text = textOf(message.content);
  if (text) blocks.push({ text });
  calls.forEach(({ call, decoded }, index) => {
    if (index > 0) blocks.push(...reasoningOf(decoded));
    blocks.push({
      toolUse: {
        toolUseId: decoded.id,
        name: call.function.name,
        input: parseToolArguments(call.function.arguments) as DocumentType,
      },
    });
  });
  return blocks;
}

function reasoningOf(decoded: DecodedToolCallId): ContentBlock[] {
  if (decoded.opaque?.kind !== 'bedrock-thinking') return [];
  return decoded.opaque.blocks.map((block) => ({
    reasoningContent:
      block.type === 'thinking'
        ? { reasoningText: { text: block.thinking, signature: block.signature } }
        : { redactedContent: Buffer.from(block.data, 'base64') },
  }));
}

function toUserBlock(part: ContentPart): ContentBlock {
  if (part.type === 'text' && typeof part.text === 'string') return { text: part.text };
  if (part.type === 'image_url') {
    const url = (part as { image_url: { url: string } }).image_url.url;
    const dataUrl = parseDataUrl(url);
    if (!dataUrl) {
      // Converse takes inline bytes or S3 locations only; fetching URLs here is out of scope.
      throw GatewayError.invalidRequest(
        'Bedrock takes images as base64 data URLs only',
        'messages',
      );
    }
    const format = BEDROCK_IMAGE_FORMATS[dataUrl.mediaType.toLowerCase()];
    if (!format)
      throw GatewayError.invalidRequest(
        `Bedrock does not take images of type ${dataUrl.mediaType}`,
        'messages',
      );
    return { image: { format, source: { bytes: Buffer.from(dataUrl.base64, 'base64') } } };
  }
  throw GatewayError.unsupportedField('bedrock', `messages[].content[].type=${part.type}`);
}
