import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { ChatMessage, ToolCall } from '@app/contracts';

/**
 * Opaque per-call data a provider needs back on the next turn, carried inside the OpenAI tool-call
 * id: Gemini's `thoughtSignature` on a function call, and the Claude thinking blocks (with their
 * signatures) that precede a `tool_use` on Anthropic and Bedrock.
 *
 * Why the id and not an extra field on the tool call (Google's own OpenAI endpoint uses
 * `extra_content.google.thought_signature`): the id is the one part of a tool call every client
 * sends back unchanged, in the assistant message *and* in the tool result's `tool_call_id`. The
 * openai SDK echoes extra fields only when the caller pushes the response message back as is;
 * LangChain, the Vercel AI SDK, LlamaIndex and any client that rebuilds messages from streamed
 * deltas keep the id alone. Without the data Gemini 3 and thinking Claude models answer the next
 * turn with a 400.
 *
 * Form: `<provider's own id><marker><base64url payload>`; every character is in
 * `[A-Za-z0-9_-]`, the set Anthropic and Bedrock allow in tool ids. Every adapter decodes ids
 * before sending a conversation upstream, so providers only ever see their own ids (Bedrock caps
 * them at 64 characters; OpenAI at 40), and a conversation can fail over between providers.
 */
export type OpaqueToolData =
  | { kind: 'gemini-thought-signature'; signature: string }
  | { kind: 'anthropic-thinking'; blocks: ClaudeThinkingBlock[] }
  | { kind: 'bedrock-thinking'; blocks: ClaudeThinkingBlock[] };

/** A Claude thinking block as the next turn must send it back: text and signature, or redacted. */
export type ClaudeThinkingBlock =
  { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted'; data: string };

const MARKERS: Readonly<Record<OpaqueToolData['kind'], string>> = {
  'gemini-thought-signature': '__gts__',
  'anthropic-thinking': '__atk__',
  'bedrock-thinking': '__btk__',
};
const KINDS = Object.entries(MARKERS) as [OpaqueToolData['kind'], string][];

export interface DecodedToolCallId {
  /** The id the provider gave (or the gateway made up), without the carried data. */
  id: string;
  opaque?: OpaqueToolData;
}

export function encodeToolCallId(id: string, opaque: OpaqueToolData | undefined): string {
  if (!opaque) return id;
  return `${id}${MARKERS[opaque.kind]}${encodePayload(opaque)}`;
}

export function decodeToolCallId(encoded: string): DecodedToolCallId {
  // Fast path: plain ids (the common case on every request) hold no marker.
  if (!encoded.includes('__')) return { id: encoded };
  for (const [kind, marker] of KINDS) {
    const at = encoded.indexOf(marker);
    if (at === -1) continue;
    const opaque = decodePayload(kind, encoded.slice(at + marker.length));
    // A payload that does not decode is someone else's id that happens to hold the marker.
    return opaque ? { id: encoded.slice(0, at), opaque } : { id: encoded };
  }
  return { id: encoded };
}

/** True when any tool call id or tool result id in the conversation carries gateway data. */
export function hasEncodedToolCallIds(messages: ChatMessage[]): boolean {
  for (const message of messages) {
    if (message.role === 'tool' && isEncoded(message.tool_call_id)) return true;
    if (message.role === 'assistant' && message.tool_calls?.some((call) => isEncoded(call.id)))
      return true;
  }
  return false;
}

/**
 * The conversation with every gateway-encoded id reduced to the provider's own id, for upstreams
 * that take OpenAI messages as they are (OpenAI, Azure, Copilot, compatible servers). Returns the
 * same array when nothing is encoded, so the pass-through path allocates nothing.
 */
export function withPlainToolCallIds(messages: ChatMessage[]): ChatMessage[] {
  if (!hasEncodedToolCallIds(messages)) return messages;
  return messages.map((message) => {
    if (message.role === 'tool')
      return { ...message, tool_call_id: decodeToolCallId(message.tool_call_id).id };
    if (message.role === 'assistant' && message.tool_calls)
      return { ...message, tool_calls: message.tool_calls.map(plainToolCall) };
    return message;
  });
}

function plainToolCall(call: ToolCall): ToolCall {
  return { ...call, id: decodeToolCallId(call.id).id };
}

function isEncoded(id: string): boolean {
  return id.includes('__') && decodeToolCallId(id).opaque !== undefined;
}

function encodePayload(opaque: OpaqueToolData): string {
  if (opaque.kind === 'gemini-thought-signature')
    // The signature is base64 of opaque bytes; base64url of the same bytes is its exact twin.
    return Buffer.from(opaque.signature, 'base64').toString('base64url');
  // Thinking text compresses well and can run to kilobytes; signatures are random and do not.
  return deflateRawSync(JSON.stringify(opaque.blocks)).toString('base64url');
}

function decodePayload(kind: OpaqueToolData['kind'], payload: string): OpaqueToolData | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(payload)) return undefined;
  if (kind === 'gemini-thought-signature')
    return { kind, signature: Buffer.from(payload, 'base64url').toString('base64') };
  try {
    const blocks = JSON.parse(
      inflateRawSync(Buffer.from(payload, 'base64url')).toString('utf8'),
    ) as unknown;
    return Array.isArray(blocks) && blocks.every(isThinkingBlock) ? { kind, blocks } : undefined;
  } catch {
    return undefined;
  }
}

function isThinkingBlock(value: unknown): value is ClaudeThinkingBlock {
  const block = value as Partial<Record<string, unknown>> | null;
  if (block?.type === 'thinking')
    return typeof block.thinking === 'string' && typeof block.signature === 'string';
  return block?.type === 'redacted' && typeof block.data === 'string';
}
