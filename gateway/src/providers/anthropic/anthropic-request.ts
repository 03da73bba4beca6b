import type { ChatCompletionRequest, FunctionTool, ToolChoice } from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import { claudeThinkingFor, thinksByDefault, type ClaudeThinking } from '../shared/claude-models';
import { reasoningEffortOf } from '../shared/reasoning-effort';
import { toAnthropicConversation } from './anthropic-messages';
import { structuredOutputFor, type StructuredOutputPlan } from './anthropic-structured-output';
import type {
  AnthropicMessagesRequest,
  AnthropicTool,
  AnthropicToolChoice,
} from './anthropic-wire.types';

/**
 * Used when neither the request nor ANTHROPIC_MAX_TOKENS gives a limit: Anthropic requires
 * `max_tokens`, OpenAI does not.
 */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

/** One Messages call and what reading its answer needs to know. */
export interface AnthropicCall {
  body: AnthropicMessagesRequest;
  /** The tool whose input is the answer (structured output through a tool), if any. */
  answerTool?: string;
}

/** OpenAI chat request → Anthropic Messages request. Call `assertSupported` first. */
export function toMessagesCall(
  request: ChatCompletionRequest,
  config: Pick<ProviderConfig, 'options'>,
): AnthropicCall {
  const { system, messages } = toAnthropicConversation(request.messages);
  const limit = maxTokensFor(request, config);
  const thinking = claudeThinkingFor(request.model, reasoningEffortOf(request), limit);
  const body: AnthropicMessagesRequest = {
    model: request.model,
    max_tokens: thinking.form === 'manual' ? thinking.maxTokens : limit.value,
    messages,
  };
  if (request.temperature != null) body.temperature = request.temperature;
  if (request.top_p != null) body.top_p = request.top_p;
  if (request.stop != null)
    body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.user) body.metadata = { user_id: request.user };
  if (request.tools?.length) body.tools = request.tools.map(toAnthropicTool);
  const toolChoice = toAnthropicToolChoice(request.tool_choice, request.parallel_tool_calls);
  if (toolChoice && body.tools) body.tool_choice = toolChoice;
  applyThinking(body, thinking);
  const plan = structuredOutputFor(request, {
    thinking: body.thinking !== undefined || thinksByDefault(request.model),
  });
  applyStructuredOutput(body, plan);
  if (plan.instruction) system.push({ type: 'text', text: plan.instruction });
  if (system.length > 0) body.system = system;
  return { body, answerTool: plan.answerTool?.name };
}

/** The request body alone (tests and callers that never read answers). */
export function toMessagesRequest(
  request: ChatCompletionRequest,
  config: Pick<ProviderConfig, 'options'>,
): AnthropicMessagesRequest {
  return toMessagesCall(request, config).body;
}

function maxTokensFor(
  request: ChatCompletionRequest,
  config: Pick<ProviderConfig, 'options'>,
): { value: number; fromClient: boolean } {
  const fromClient = request.max_completion_tokens ?? request.max_tokens;
  if (fromClient != null) return { value: fromClient, fromClient: true };
  const configured = Number(config.options.maxTokens);
  return {
    value:
      Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_ANTHROPIC_MAX_TOKENS,
    fromClient: false,
  };
}

function applyThinking(body: AnthropicMessagesRequest, thinking: ClaudeThinking): void {
  if (thinking.form === 'manual') body.thinking = thinking.thinking;
  if (thinking.form === 'adaptive') {
    if (thinking.thinking) body.thinking = thinking.thinking;
    body.output_config = { ...body.output_config, effort: thinking.effort };
  }
}

function applyStructuredOutput(body: AnthropicMessagesRequest, plan: StructuredOutputPlan): void {
  if (plan.format) body.output_config = { ...body.output_config, format: plan.format };
  if (!plan.answerTool) return;
  body.tools = [...(body.tools ?? []), plan.answerTool];
  if (plan.toolChoice) body.tool_choice = plan.toolChoice;
}

function toAnthropicTool(tool: FunctionTool): AnthropicTool {
  return {
    name: tool.function.name,
    ...(tool.function.description ? { description: tool.function.description } : {}),
    input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
  };
}

export function toAnthropicToolChoice(
  choice: ToolChoice | undefined,
  parallel: boolean | undefined,
): AnthropicToolChoice | undefined {
  const disableParallel = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...disableParallel };
  if (typeof choice === 'object')
    return { type: 'tool', name: choice.function.name, ...disableParallel };
  if (choice === 'auto' || parallel === false) return { type: 'auto', ...disableParallel };
  return undefined;
}
