import type { Content, Part } from '@google/genai' with { 'resolution-mode': 'import' };
import { GatewayError, type ChatMessage, type ContentPart } from '@app/contracts';
import {
  parseDataUrl,
  parseToolArguments,
  partsOf,
  textOf,
  toolNamesById,
} from '../shared/message-content';
import { decodeToolCallId } from '../shared/tool-call-id-codec';

/**
 * Google's documented stand-in for a signature Gemini never issued (a history that another
 * provider produced, or a client that lost it): Gemini 3 then accepts the function call instead of
 * answering 400 "missing a thought_signature".
 */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

export interface GeminiConversation {
  systemInstruction?: Content;
  contents: Content[];
}

/**
 * OpenAI messages → Gemini `contents` + `systemInstruction`. Assistant turns become `model` turns,
 * tool results become user-role `functionResponse` parts (Gemini names the function, not the
 * call, so names are looked up from the earlier tool calls), and consecutive same-role turns are
 * merged so parallel function responses travel together as Gemini expects.
 */
export function toGeminiConversation(
  messages: ChatMessage[],
  options: { validatesThoughtSignatures?: boolean } = {},
): GeminiConversation {
  const systemParts: Part[] = [];
  const contents: Content[] = [];
  const toolNames = toolNamesById(messages);
  for (const message of messages) {
    if (message.role === 'system' || message.role === 'developer') {
      const text = textOf(message.content);
      if (text) systemParts.push({ text });
      continue;
    }
    const turn = toGeminiTurn(
      message as Exclude<ChatMessage, { role: 'system' | 'developer' }>,
      toolNames,
    );
    const previous = contents[contents.length - 1];
    if (turn.parts?.length === 0) continue;
    if (previous?.role === turn.role) previous.parts!.push(...turn.parts!);
    else contents.push(turn);
  }
  if (options.validatesThoughtSignatures) signCurrentTurn(contents);
  return {
    contents,
    ...(systemParts.length > 0 ? { systemInstruction: { parts: systemParts } } : {}),
  };
}

/**
 * Gemini 3 validates signatures in the current turn only: every model step after the last user
 * message that is not a function response must carry a signature on its first function call.
 * Steps whose signature the client could not give back get Google's documented stand-in.
 */
function signCurrentTurn(contents: Content[]): void {
  let turnStart = contents.length - 1;
  while (turnStart >= 0 && !startsTurn(contents[turnStart])) turnStart -= 1;
  for (const content of contents.slice(turnStart + 1)) {
    if (content.role !== 'model') continue;
    const firstCall = content.parts?.find((part) => part.functionCall);
    if (firstCall && !firstCall.thoughtSignature)
      firstCall.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
  }
}

function startsTurn(content: Content): boolean {
  return content.role === 'user' && (content.parts ?? []).some((part) => !part.functionResponse);
}

function toGeminiTurn(
  message: Exclude<ChatMessage, { role: 'system' | 'developer' }>,
  toolNames: Map<string, string>,
): Content {
  switch (message.role) {
    case 'user':
      return { role: 'user', parts: partsOf(message.content).map(toUserPart) };
    case 'assistant': {
      const text = textOf(message.content);
      const parts: Part[] = text ? [{ text }] : [];
      for (const call of message.tool_calls ?? []) {
        // The signature Gemini gave with this call comes back with it, exactly where it was.
        const { id, opaque } = decodeToolCallId(call.id);
        parts.push({
          functionCall: {
            id,
            name: call.function.name,
            args: parseToolArguments(call.function.arguments),
          },
          ...(opaque?.kind === 'gemini-thought-signature'
            ? { thoughtSignature: opaque.signature }
            : {}),
        });
      }
      return { role: 'model', parts };
    }
    case 'tool': {
      const name = toolNames.get(message.tool_call_id);
      if (!name)
        throw GatewayError.invalidRequest(
          `tool message answers unknown tool_call_id '${message.tool_call_id}'`,
          'messages',
        );
      const response = { result: textOf(message.content) };
      return {
        role: 'user',
        parts: [
          {
            functionResponse: { id: decodeToolCallId(message.tool_call_id).id, name, response },
          },
        ],
      };
    }
    default:
      throw GatewayError.unsupportedField('gemini', `messages[].role=${message.role}`);
  }
}

function toUserPart(part: ContentPart): Part {
  if (part.type === 'text' && typeof part.text === 'string') return { text: part.text };
  if (part.type === 'image_url') {
    const dataUrl = parseDataUrl((part as { image_url: { url: string } }).image_url.url);
    // Gemini's fileData only takes URIs it hosts (Files API, GCS); arbitrary https URLs are refused.
    if (!dataUrl)
      throw GatewayError.unsupportedField(
        'gemini',
        'image_url.url (http URL; send a base64 data URL)',
      );
    return { inlineData: { mimeType: dataUrl.mediaType, data: dataUrl.base64 } };
  }
  throw GatewayError.unsupportedField('gemini', `messages[].content[].type=${part.type}`);
}
