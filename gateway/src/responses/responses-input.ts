import {
  GatewayError,
  echoed,
  type AssistantMessage,
  type ChatMessage,
  type ContentPart,
  type ResponseOutputItem,
  type ResponsesInputItem,
  type TextContentPart,
} from '@app/contracts';

type MessageItem = Extract<ResponsesInputItem, { role: string }>;
type MessagePart = Exclude<MessageItem['content'], string>[number];

/** Finds an output item of an earlier stored response of the same tenant, by id. */
export type ItemLookup = (id: string) => Promise<ResponseOutputItem | undefined>;

/**
 * Turns Responses API input (a string, or items) into chat messages. Items map one to one,
 * except that function calls join the assistant message before them (chat keeps an assistant
 * turn's calls on one message), and `item_reference`s are replaced by the stored item they name.
 * Reasoning items are accepted and not sent, as chat's `reasoning_content` is: no provider takes
 * reasoning back without its own signature.
 */
export async function chatMessagesFromInput(
  input: string | ResponsesInputItem[] | undefined,
  lookup: ItemLookup,
): Promise<ChatMessage[]> {
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const messages: ChatMessage[] = [];
  for (const [index, item] of input.entries()) {
    const resolved =
      item.type === 'item_reference' ? await referenced(item.id, index, lookup) : item;
    appendItem(messages, resolved, index);
  }
  return messages;
}

async function referenced(
  id: string,
  index: number,
  lookup: ItemLookup,
): Promise<ResponsesInputItem | ResponseOutputItem> {
  const item = await lookup(id);
  if (!item) {
    throw GatewayError.invalidRequest(
      `Item with id '${echoed(id)}' not found.`,
      `input[${index}].id`,
      'item_not_found',
    );
  }
  return item;
}

function appendItem(
  messages: ChatMessage[],
  item: ResponsesInputItem | ResponseOutputItem,
  index: number,
): void {
  switch (item.type) {
    case 'function_call': {
      const call = {
        id: item.call_id,
        type: 'function' as const,
        function: { name: item.name, arguments: item.arguments },
      };
      const last = messages.at(-1);
      if (last?.role === 'assistant') (last.tool_calls ??= []).push(call);
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
      return;
    }
    case 'function_call_output':
      messages.push({
        role: 'tool',
        tool_call_id: item.call_id,
        content:
          typeof item.output === 'string'
            ? item.output
            : item.output.map((part, partIndex) =>
                textOnly(part, `input[${index}].output[${partIndex}]`),
              ),
      });
      return;
    case 'reasoning':
    case 'item_reference':
      return;
    default:
      messages.push(messageOf(item as MessageItem, index));
  }
}

function messageOf(item: MessageItem, index: number): ChatMessage {
  const where = (partIndex: number) => `input[${index}].content[${partIndex}]`;
  const content = item.content;
  switch (item.role) {
    case 'user':
      return {
        role: 'user',
        content:
          typeof content === 'string'
            ? content
            : content.map((part, partIndex) => userPart(part, where(partIndex))),
      };
    case 'assistant':
      return assistantOf(content, where);
    default:
      return {
        role: item.role,
        content:
          typeof content === 'string'
            ? content
            : content.map((part, partIndex) => textOnly(part, where(partIndex))),
      };
  }
}

function assistantOf(
  content: MessageItem['content'],
  where: (partIndex: number) => string,
): AssistantMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  const text: TextContentPart[] = [];
  let refusal: string | undefined;
  for (const [partIndex, part] of content.entries()) {
    if (part.type === 'refusal') refusal = (refusal ?? '') + part.refusal;
    else text.push(textOnly(part, where(partIndex)));
  }
  const joined = text.map((part) => part.text).join('');
  return {
    role: 'assistant',
    content: joined || (refusal === undefined ? '' : null),
    ...(refusal === undefined ? {} : { refusal }),
  };
}

function userPart(part: MessagePart, where: string): ContentPart {
  if (part.type === 'input_image')
    return {
      type: 'image_url',
      image_url: { url: part.image_url!, ...(part.detail ? { detail: part.detail } : {}) },
    };
  return textOnly(part, where);
}

/** Text of a part where chat takes text only (system turns, tool results, assistant turns). */
function textOnly(part: { type: string; text?: string; refusal?: string }, where: string) {
  if ((part.type === 'input_text' || part.type === 'output_text') && part.text !== undefined)
    return { type: 'text' as const, text: part.text };
  throw GatewayError.invalidRequest(
    `Content of type '${part.type}' is not supported here: only text is`,
    `${where}.type`,
    'invalid_value',
  );
}
