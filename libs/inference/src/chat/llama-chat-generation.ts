import { ChatCompletionRequest, GatewayError, ToolCall, Usage } from '@app/contracts';
import type { ChatHistoryItem, Llama, LlamaChat, LlamaGrammar } from 'node-llama-cpp' with {
  'resolution-mode': 'import',
};
import type { GenerationHooks } from './chat-engine';
import { chatHistoryFromMessages } from './chat-history-from-messages';
import { usageOf } from './chat-completion-builders';
import { GenerationSettings, generationSettingsFromRequest } from './generation-settings';
import { grammarForResponseFormat } from './response-format-grammar';
import { parseToolCallAnswer, ToolCallPlan, toolCallPlanFor } from './tool-call-grammar';

/** A request translated for node-llama-cpp, before a context sequence is assigned. */
export interface PreparedChatRequest {
  history: ChatHistoryItem[];
  settings: GenerationSettings;
  grammar?: LlamaGrammar;
  /** Set when the request may call tools: the answer is then constrained JSON (see tool-call-grammar). */
  tools?: ToolCallPlan;
}

export interface ChatGenerationResult {
  content: string;
  /** The calls the model made, when it called tools (content is then empty). */
  toolCalls?: ToolCall[];
  finishReason: 'stop' | 'length' | 'tool_calls';
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
  const settings = generationSettingsFromRequest(request, options.defaultTemperature);
  const tools = await toolCallPlanFor(llama, request);
  if (tools && request.response_format && request.response_format.type !== 'text') {
    throw GatewayError.invalidRequest(
      'The local model cannot combine tool calls with response_format (both constrain the answer); send tool_choice "none" or no response_format',
      'response_format',
      'unsupported_parameter',
    );
  }
  const history = chatHistoryFromMessages(request.messages, options.defaultSystemPrompt);
  if (tools) withSystemLine(history, tools.instructions);
  return {
    history,
    settings,
    grammar: tools?.grammar ?? (await grammarForResponseFormat(llama, request.response_format)),
    tools,
  };
}

/** Adds a line to the conversation's system message (a new one first when it has none). */
function withSystemLine(history: ChatHistoryItem[], line: string): void {
  const system = history.find((item) => item.type === 'system');
  if (system && system.type === 'system') system.text = `${system.text}\n\n${line}`;
  else history.unshift({ type: 'system', text: line });
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
  hooks?: GenerationHooks,
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
    onToken: (tokens) => {
      if (completionTokens === 0 && tokens.length > 0) hooks?.onPromptEvaluated?.();
      completionTokens += tokens.length;
    },
    onTextChunk,
  });
  if (response.metadata.stopReason === 'abort') {
    throw signal?.reason ?? new Error('Generation aborted');
  }
  const usage = usageOf(promptTokens, completionTokens);
  const finishReason = response.metadata.stopReason === 'maxTokens' ? 'length' : 'stop';
  if (!prepared.tools) return { content: response.response, finishReason, usage };
  const answer = parseToolCallAnswer(response.response);
  return 'toolCalls' in answer
    ? { content: '', toolCalls: answer.toolCalls, finishReason: 'tool_calls', usage }
    : { content: answer.content, finishReason, usage };
}
