import type {
  Candidate,
  GenerateContentResponse,
  GenerateContentResponseUsageMetadata,
  Part,
} from '@google/genai' with { 'resolution-mode': 'import' };
import type {
  ChatCompletion,
  ChatCompletionChoice,
  FinishReason,
  ToolCall,
  Usage,
} from '@app/contracts';
import { randomBytes } from 'node:crypto';
import { usageOf } from '../shared/chunk-writer';
import { encodeToolCallId } from '../shared/tool-call-id-codec';

/** Gemini `finishReason` → OpenAI `finish_reason`; anything not listed (OTHER, LANGUAGE…) is 'stop'. */
export const GEMINI_FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  IMAGE_PROHIBITED_CONTENT: 'content_filter',
};

/** A candidate that called functions finished with STOP; OpenAI says 'tool_calls'. */
export function toFinishReason(
  finishReason: string | undefined,
  calledTools: boolean,
): FinishReason {
  const mapped: FinishReason =
    (finishReason ? GEMINI_FINISH_REASONS[finishReason] : undefined) ?? 'stop';
  return mapped === 'stop' && calledTools ? 'tool_calls' : mapped;
}

/** Thought tokens are generated tokens: OpenAI counts them as completion (reasoning) tokens. */
export function toUsage(metadata: GenerateContentResponseUsageMetadata | undefined): Usage {
  const reasoningTokens = metadata?.thoughtsTokenCount ?? 0;
  const cachedTokens = metadata?.cachedContentTokenCount ?? 0;
  const usage = usageOf(
    metadata?.promptTokenCount ?? 0,
    (metadata?.candidatesTokenCount ?? 0) + reasoningTokens,
  );
  return {
    ...usage,
    ...(cachedTokens > 0 ? { prompt_tokens_details: { cached_tokens: cachedTokens } } : {}),
    ...(reasoningTokens > 0
      ? { completion_tokens_details: { reasoning_tokens: reasoningTokens } }
      : {}),
  };
}

/** Visible text of parts (thought summaries are not part of the answer). */
export function textOfParts(parts: Part[] | undefined): string {
  return (parts ?? [])
    .filter((part) => typeof part.text === 'string' && !part.thought)
    .map((part) => part.text)
    .join('');
}

/** Thought summaries (`thought: true` parts, asked for with `includeThoughts`). */
export function reasoningOfParts(parts: Part[] | undefined): string {
  return (parts ?? [])
    .filter((part) => typeof part.text === 'string' && part.thought)
    .map((part) => part.text)
    .join('');
}

/**
 * Function-call parts → OpenAI tool calls. Gemini often omits call ids, and a stream sends each
 * parallel call in its own event, so ids are made unique per call (not per event or position):
 * a random `call_…` id unless Gemini gave one. A part's `thoughtSignature` (Gemini 3 signs the
 * first call of each step) rides in its id, for the next turn (see tool-call-id-codec).
 */
export function toolCallsOfParts(parts: Part[] | undefined): ToolCall[] {
  return (parts ?? [])
    .filter((part) => part.functionCall)
    .map((part) => ({
      id: encodeToolCallId(
        part.functionCall!.id || `call_${randomBytes(12).toString('hex')}`,
        part.thoughtSignature
          ? { kind: 'gemini-thought-signature', signature: part.thoughtSignature }
          : undefined,
      ),
      type: 'function' as const,
      function: {
        name: part.functionCall!.name ?? '',
        arguments: JSON.stringify(part.functionCall!.args ?? {}),
      },
    }));
}

function toChoice(candidate: Candidate, position: number): ChatCompletionChoice {
  const index = candidate.index ?? position;
  const toolCalls = toolCallsOfParts(candidate.content?.parts);
  const text = textOfParts(candidate.content?.parts);
  const reasoning = reasoningOfParts(candidate.content?.parts);
  return {
    index,
    message: {
      role: 'assistant',
      content: text || (toolCalls.length > 0 ? null : ''),
      ...(reasoning ? { reasoning_content: reasoning } : {}),
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    },
    finish_reason: toFinishReason(candidate.finishReason, toolCalls.length > 0),
  };
}

/** A prompt Gemini blocked has no candidates, only `promptFeedback.blockReason`. */
const BLOCKED_CHOICE: ChatCompletionChoice = {
  index: 0,
  message: { role: 'assistant', content: '' },
  finish_reason: 'content_filter',
};

export function toChatCompletion(
  response: GenerateContentResponse,
  requestedModel: string,
): ChatCompletion {
  const candidates = response.candidates ?? [];
  const blocked = candidates.length === 0 && Boolean(response.promptFeedback?.blockReason);
  return {
    id: response.responseId ? `chatcmpl-${response.responseId}` : `chatcmpl-gemini-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.modelVersion ?? requestedModel,
    choices: blocked ? [BLOCKED_CHOICE] : candidates.map(toChoice),
    usage: toUsage(response.usageMetadata),
  };
}
