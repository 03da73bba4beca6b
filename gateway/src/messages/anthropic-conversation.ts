import type {
  AnthropicContentBlockParam,
  AnthropicMessageParam,
  AnthropicMessagesRequest,
  ChatMessage,
  ContentPart,
  ToolCall,
} from '@app/contracts';

/**
 * Anthropic `system` + `messages` → internal (OpenAI) messages, for targets that are not
 * Anthropic. What each block becomes:
 * - `text` → text part (`cache_control`, `citations` are hints, dropped);
 * - `image` base64 → data-URL `image_url`, url → `image_url` url; file ids are Anthropic-only;
 * - `document` PDF base64 → a `file` part with a data URL, plain text and content sources →
 *   text (and image) parts; URL and file sources are Anthropic-only;
 * - `tool_use` (assistant) → `tool_calls` with the input as a JSON string;
 * - `tool_result` (user) → a `tool` message per result, before the turn's other parts (OpenAI
 *   wants tool messages right after the assistant's calls); its images follow in a user message,
 *   since OpenAI tool messages hold text only; `is_error` is a hint (the text says what failed);
 * - `thinking` / `redacted_thinking` in history → dropped: they are Claude's own signed
 *   reasoning, which no other provider takes back;
 * - server-tool, MCP, search-result and container blocks, and an assistant prefill (a final
 *   assistant turn to continue) → Anthropic-only.
 * Anthropic-only findings go to `untranslatable`, named as the client wrote them.
 */
export function toChatMessages(
  request: Pick<AnthropicMessagesRequest, 'system' | 'messages'>,
  untranslatable: Set<string>,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const system = systemText(request.system);
  if (system) messages.push({ role: 'system', content: system });
  for (const message of request.messages) {
    if (message.role === 'assistant') {
      const assistant = assistantMessage(message, untranslatable);
      if (assistant) messages.push(assistant);
    } else {
      messages.push(...userMessages(message, untranslatable));
    }
  }
  if (request.messages.at(-1)?.role === 'assistant')
    untranslatable.add('messages[-1] (assistant prefill)');
  return messages;
}

function systemText(system: AnthropicMessagesRequest['system']): string {
  if (system === undefined) return '';
  if (typeof system === 'string') return system;
  return system.map((block) => block.text).join('\n\n');
}

function assistantMessage(
  message: AnthropicMessageParam,
  untranslatable: Set<string>,
): ChatMessage | undefined {
  if (typeof message.content === 'string') return { role: 'assistant', content: message.content };
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use')
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input) },
      });
    else if (block.type !== 'thinking' && block.type !== 'redacted_thinking')
      untranslatable.add(`messages[].content[].type=${block.type}`);
  }
  if (!text && toolCalls.length === 0) return undefined;
  return {
    role: 'assistant',
    content: text || (toolCalls.length > 0 ? null : ''),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
}

function userMessages(message: AnthropicMessageParam, untranslatable: Set<string>): ChatMessage[] {
  if (typeof message.content === 'string') return [{ role: 'user', content: message.content }];
  const toolMessages: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  for (const block of message.content) {
    if (block.type === 'tool_result') {
      const result = toolResult(block, untranslatable);
      toolMessages.push({ role: 'tool', tool_call_id: block.tool_use_id, content: result.text });
      parts.push(...result.images);
    } else {
      parts.push(...userParts(block, untranslatable));
    }
  }
  if (parts.length === 0) return toolMessages;
  const onlyText = parts.length === 1 && parts[0].type === 'text';
  const content = onlyText ? String((parts[0] as { text: string }).text) : parts;
  return [...toolMessages, { role: 'user', content }];
}

type Block = AnthropicContentBlockParam;
type ToolResultBlock = Extract<Block, { type: 'tool_result' }>;

function toolResult(
  block: ToolResultBlock,
  untranslatable: Set<string>,
): { text: string; images: ContentPart[] } {
  if (block.content === undefined) return { text: '', images: [] };
  if (typeof block.content === 'string') return { text: block.content, images: [] };
  const texts: string[] = [];
  const images: ContentPart[] = [];
  for (const part of block.content) {
    if (part.type === 'text') texts.push((part as { text: string }).text);
    else if (part.type === 'image') images.push(...userParts(part as Block, untranslatable));
    else untranslatable.add(`messages[].content[].tool_result.content[].type=${part.type}`);
  }
  return { text: texts.join('\n'), images };
}

function userParts(block: Block, untranslatable: Set<string>): ContentPart[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'text', text: block.text }];
    case 'image':
      return imagePart(block, untranslatable);
    case 'document':
      return documentParts(block, untranslatable);
    default:
      untranslatable.add(`messages[].content[].type=${block.type}`);
      return [];
  }
}

function imagePart(
  block: Extract<Block, { type: 'image' }>,
  untranslatable: Set<string>,
): ContentPart[] {
  const source = block.source;
  if (source.type === 'base64')
    return [
      {
        type: 'image_url',
        image_url: { url: `data:${source.media_type};base64,${source.data}` },
      },
    ];
  if (source.type === 'url') return [{ type: 'image_url', image_url: { url: source.url } }];
  untranslatable.add('image.source.type=file');
  return [];
}

function documentParts(
  block: Extract<Block, { type: 'document' }>,
  untranslatable: Set<string>,
): ContentPart[] {
  const source = block.source;
  switch (source.type) {
    case 'base64':
      // OpenAI's file content part (PDF input), the closest counterpart of a PDF document.
      return [
        {
          type: 'file',
          file: {
            filename: block.title || 'document.pdf',
            file_data: `data:${source.media_type};base64,${source.data}`,
          },
        },
      ];
    case 'text':
      return [{ type: 'text', text: source.data }];
    case 'content':
      return typeof source.content === 'string'
        ? [{ type: 'text', text: source.content }]
        : source.content.flatMap((part) => userParts(part as Block, untranslatable));
    default:
      untranslatable.add(`document.source.type=${source.type}`);
      return [];
  }
}
