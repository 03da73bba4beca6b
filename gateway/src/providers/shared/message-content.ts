import {
  GatewayError,
  type ChatMessage,
  type ContentPart,
  type TextContentPart,
} from '@app/contracts';

/**
 * The text of a message content that may be a string, parts, or null. An assistant turn's
 * `refusal` parts are what it said, so they count as its text.
 */
export function textOf(
  content: string | TextContentPart[] | ContentPart[] | null | undefined,
): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return (content as ContentPart[])
    .map((part) =>
      part.type === 'text' && typeof part.text === 'string'
        ? part.text
        : part.type === 'refusal' && typeof part.refusal === 'string'
          ? part.refusal
          : '',
    )
    .join('');
}

/** Content as a list of parts (strings become one text part). */
export function partsOf(content: string | ContentPart[] | null | undefined): ContentPart[] {
  if (content === null || content === undefined) return [];
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

export interface DataUrl {
  mediaType: string;
  base64: string;
}

/** Splits a `data:<media type>;base64,<data>` URL; undefined for any other URL. */
export function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match ? { mediaType: match[1], base64: match[2] } : undefined;
}

/** Tool names by tool call id, for providers whose tool results name the function, not the call. */
export function toolNamesById(messages: ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    for (const call of message.tool_calls ?? []) names.set(call.id, call.function.name);
  }
  return names;
}

/** Parses tool call arguments (a JSON string on the OpenAI side) into an object. */
export function parseToolArguments(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw GatewayError.invalidRequest(
      'tool_calls[].function.arguments must be a JSON string',
      'messages',
    );
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : { value: parsed };
}
