import type { ChatCompletionRequest, FunctionTool, ToolChoice } from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import { toAnthropicConversation } from './anthropic-messages';
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

/** OpenAI chat request → Anthropic Messages request. Call `assertSupported` first. */
export function toMessagesRequest(
  request: ChatCompletionRequest,
  config: Pick<ProviderConfig, 'options'>,
): AnthropicMessagesRequest {
  const { system, messages } = toAnthropicConversation(request.messages);
  const body: AnthropicMessagesRequest = {
    model: request.model,
    max_tokens: maxTokensFor(request, config),
    messages,
  };
  if (system.length > 0) body.system = system;
  if (request.temperature != null) body.temperature = request.temperature;
  if (request.top_p != null) body.top_p = request.top_p;
  if (request.stop != null)
    body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.user) body.metadata = { user_id: request.user };
  if (request.tools?.length) body.tools = request.tools.map(toAnthropicTool);
  const toolChoice = toAnthropicToolChoice(request.tool_choice, request.parallel_tool_calls);
  if (toolChoice && body.tools) body.tool_choice = toolChoice;
  const outputConfig = toOutputConfig(request);
  if (outputConfig) body.output_config = outputConfig;
  return body;
}

function maxTokensFor(
  request: ChatCompletionRequest,
  config: Pick<ProviderConfig, 'options'>,
): number {
  const configured = Number(config.options.maxTokens);
  return (
    request.max_completion_tokens ??
    request.max_tokens ??
    (Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_ANTHROPIC_MAX_TOKENS)
  );
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

function toOutputConfig(request: ChatCompletionRequest): AnthropicMessagesRequest['output_config'] {
  const config: NonNullable<AnthropicMessagesRequest['output_config']> = {};
  const format = request.response_format;
  if (format?.type === 'json_schema') {
    config.format = {
      type: 'json_schema',
      schema: format.json_schema.schema ?? { type: 'object' },
    };
  }
  const effort = request.reasoning_effort;
  if (effort === 'low' || effort === 'medium' || effort === 'high') config.effort = effort;
  return Object.keys(config).length > 0 ? config : undefined;
}
