import { ChatCompletionRequest, GatewayError, Usage } from '@app/contracts';
import type { ChatHistoryItem, Llama, LlamaChat, LlamaGrammar } from 'node-llama-cpp' with {
  'resolution-mode': 'import',
};
import { chatHistoryFromMessages } from './chat-history-from-messages';
import { usageOf } from './chat-completion-builders';
import { GenerationSettings, generationSettingsFromRequest } from './generation-settings';
import { grammarForResponseFormat } from './response-format-grammar';

/** A request translated for node-llama-cpp, before a context sequence is assigned. */
export interface PreparedChatRequest {
  history: ChatHistoryItem[];
  settings: GenerationSettings;
  grammar?: LlamaGrammar;
}

export interface ChatGenerationResult {
  content: string;
  finishReason: 'stop' | 'length';
  usage: Usage;
}

export interface PrepareOptions {
  defaultSystemPrompt?: string;
  defaultTemperature: number;
}

/** Validates and translates a request; throws a 400 `GatewayError` for what the engine cannot do. */
export async function prepareChatRequest(
  llama: Llama,
  request: ChatCompletionRequest,
  options: PrepareOptions,
): Promise<PreparedChatRequest> {
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw GatewayError.invalidRequest('messages must contain at least one message', 'messages');
  }
  return {
    history: chatHistoryFromMessages(request.messages, options.defaultSystemPrompt),
    settings: generationSettingsFromRequest(request, options.defaultTemperature),
    grammar: await grammarForResponseFormat(llama, request.response_format),
  };
}

/** Prompt tokens as the model sees them: the history rendered by the chat template, tokenized. */
export function countPromptTokens(chat: LlamaChat, history: ChatHistoryItem[]): number {
  const { contextText } = chat.chatWrapper.generateContextState({ chatHistory: history });
  return contextText.tokenize(chat.model.tokenizer).length;
}

/**
 * Runs one generation on a leased sequence. `signal` stops it between tokens and the abort reason
 * is thrown. Completion tokens are counted as they are produced, so the count matches the text.
 */
export async function generateChatResponse(
  chat: LlamaChat,
  prepared: PreparedChatRequest,
  signal: AbortSignal | undefined,
  onTextChunk?: (text: string) => void,
): Promise<ChatGenerationResult> {
  const promptTokens = countPromptTokens(chat, prepared.history);
  const roomLeft = chat.sequence.contextSize - promptTokens;
  if (roomLeft <= 0) {
    throw GatewayError.invalidRequest(
      `The prompt is ${promptTokens} tokens; the local model's context holds ${chat.sequence.contextSize}`,
      'messages',
      'context_length_exceeded',
    );
  }
  const { settings } = prepared;
  let completionTokens = 0;
  const response = await chat.generateResponse(prepared.history, {
    maxTokens: Math.min(settings.maxTokens ?? roomLeft, roomLeft),
    temperature: settings.temperature,
    topP: settings.topP,
    seed: settings.seed,
    customStopTriggers: settings.stopSequences.length > 0 ? settings.stopSequences : undefined,
    grammar: prepared.grammar,
    signal,
    onToken: (tokens) => (completionTokens += tokens.length),
    onTextChunk,
  });
  if (response.metadata.stopReason === 'abort') {
    throw signal?.reason ?? new Error('Generation aborted');
  }
  return {
    content: response.response,
    finishReason: response.metadata.stopReason === 'maxTokens' ? 'length' : 'stop',
    usage: usageOf(promptTokens, completionTokens),
  };
}
