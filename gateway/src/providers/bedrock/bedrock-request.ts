import type {
  ConverseCommandInput,
  InferenceConfiguration,
  Tool,
  ToolChoice as BedrockToolChoice,
} from '@aws-sdk/client-bedrock-runtime';
import type { DocumentType } from '@smithy/types';
import type { ChatCompletionRequest, FunctionTool, ToolChoice } from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import {
  acceptsForcedToolUse,
  claudeThinkingFor,
  thinksByDefault,
  type ClaudeThinking,
} from '../shared/claude-models';
import { reasoningEffortOf } from '../shared/reasoning-effort';
import { toBedrockConversation } from './bedrock-messages';

/** The tool whose input is the answer, for `response_format` (see `structuredOutput`). */
export const ANSWER_TOOL_NAME = 'json_response';

/** Used for Claude thinking budgets when neither the request nor the config gives a limit. */
export const DEFAULT_BEDROCK_MAX_TOKENS = 4096;

/** One Converse call and what reading its answer needs to know. */
export interface ConverseCall {
  input: ConverseCommandInput;
  /** The tool whose input is the answer (structured output), if any. */
  answerTool?: string;
}

/** Claude models on Bedrock (`anthropic.claude-…`, `us.anthropic.claude-…`, inference profiles). */
export function isClaudeModel(model: string): boolean {
  return /(^|[.:/])anthropic\.claude-|^claude-/.test(model);
}

/** OpenAI chat request → Converse input (the same shape serves ConverseStream). Call `assertSupported` first. */
export function toConverseCall(
  request: ChatCompletionRequest,
  config: Pick<ProviderConfig, 'options'>,
): ConverseCall {
  const { system, messages } = toBedrockConversation(request.messages);
  const input: ConverseCommandInput = { modelId: request.model, messages };
  const inferenceConfig = toInferenceConfig(request, config);
  const thinking = reasoningFor(request, config, inferenceConfig);
  if (Object.keys(inferenceConfig).length > 0) input.inferenceConfig = inferenceConfig;
  applyThinking(input, thinking);
  if (request.tools?.length) {
    input.toolConfig = { tools: request.tools.map(toToolSpec) };
    const toolChoice = toBedrockToolChoice(request.tool_choice);
    if (toolChoice) input.toolConfig.toolChoice = toolChoice;
  }
  const answerTool = structuredOutput(request, input, {
    thinking:
      thinking.form !== 'none' || (isClaudeModel(request.model) && thinksByDefault(request.model)),
  });
  if (answerTool?.instruction) system.push({ text: answerTool.instruction });
  if (system.length > 0) input.system = system;
  return { input, answerTool: answerTool?.name };
}

export function toConverseInput(
  request: ChatCompletionRequest,
  config: Pick<ProviderConfig, 'options'>,
): ConverseCommandInput {
  return toConverseCall(request, config).input;
}

function toInferenceConfig(
  request: ChatCompletionRequest,
  config: Pick<ProviderConfig, 'options'>,
): InferenceConfiguration {
  const inference: InferenceConfiguration = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? configuredMax(config);
  if (maxTokens != null) inference.maxTokens = maxTokens;
  if (request.temperature != null) inference.temperature = request.temperature;
  if (request.top_p != null) inference.topP = request.top_p;
  if (request.stop != null)
    inference.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  return inference;
}

function configuredMax(config: Pick<ProviderConfig, 'options'>): number | undefined {
  const configured = Number(config.options.maxTokens);
  return Number.isFinite(configured) && configured > 0 ? configured : undefined;
}

/**
 * `reasoning_effort` on Claude models, in Anthropic's own request fields (Converse passes them
 * through `additionalModelRequestFields`; the effort level has its own `outputConfig.effort`).
 * Other Bedrock models have no common reasoning control: `assertSupported` rejects it for them.
 */
function reasoningFor(
  request: ChatCompletionRequest,
  config: Pick<ProviderConfig, 'options'>,
  inference: InferenceConfiguration,
): ClaudeThinking {
  if (!isClaudeModel(request.model)) return { form: 'none' };
  const fromClient = request.max_completion_tokens ?? request.max_tokens;
  const limit =
    fromClient != null
      ? { value: fromClient, fromClient: true }
      : { value: configuredMax(config) ?? DEFAULT_BEDROCK_MAX_TOKENS, fromClient: false };
  const thinking = claudeThinkingFor(request.model, reasoningEffortOf(request), limit);
  if (thinking.form === 'manual') inference.maxTokens = thinking.maxTokens;
  return thinking;
}

function applyThinking(input: ConverseCommandInput, thinking: ClaudeThinking): void {
  if (thinking.form === 'manual')
    input.additionalModelRequestFields = { thinking: thinking.thinking } as DocumentType;
  if (thinking.form === 'adaptive') {
    if (thinking.thinking)
      input.additionalModelRequestFields = { thinking: thinking.thinking } as DocumentType;
    input.outputConfig = { ...input.outputConfig, effort: thinking.effort };
  }
}

/**
 * `response_format` through a tool whose input schema is the answer's (Converse's portable form of
 * structured output: any model with tool use takes it, where `outputConfig.textFormat` is limited
 * to some). Forced when the model allows (not with Claude thinking, not from Claude 5.5 on, not
 * beside the client's tools); otherwise the model is told to answer through it. The tool's input
 * comes back as the message content.
 */
function structuredOutput(
  request: ChatCompletionRequest,
  input: ConverseCommandInput,
  context: { thinking: boolean },
): { name: string; instruction?: string } | undefined {
  const format = request.response_format;
  if (!format || format.type === 'text') return undefined;
  const schema = (format.type === 'json_schema' ? format.json_schema.schema : undefined) ?? {
    type: 'object',
  };
  const description =
    format.type === 'json_schema'
      ? (format.json_schema.description ?? `Respond with the ${format.json_schema.name} object.`)
      : 'Respond with your answer as one JSON object.';
  const tool: Tool = {
    toolSpec: {
      name: ANSWER_TOOL_NAME,
      description,
      inputSchema: { json: schema as DocumentType },
    },
  };
  const userTools = input.toolConfig?.tools ?? [];
  input.toolConfig = { ...input.toolConfig, tools: [...userTools, tool] };
  const canForce =
    !context.thinking && userTools.length === 0 && acceptsForcedToolUse(request.model);
  if (canForce) {
    input.toolConfig.toolChoice = { tool: { name: ANSWER_TOOL_NAME } };
    return { name: ANSWER_TOOL_NAME };
  }
  return {
    name: ANSWER_TOOL_NAME,
    instruction: `Give your final answer by calling the ${ANSWER_TOOL_NAME} tool with it as the input.`,
  };
}

function toToolSpec(tool: FunctionTool): Tool {
  return {
    toolSpec: {
      name: tool.function.name,
      ...(tool.function.description ? { description: tool.function.description } : {}),
      inputSchema: {
        json: (tool.function.parameters ?? { type: 'object', properties: {} }) as never,
      },
    },
  };
}

/** OpenAI `tool_choice` → Converse `toolChoice`; 'none' is rejected by the field table. */
export function toBedrockToolChoice(choice: ToolChoice | undefined): BedrockToolChoice | undefined {
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  if (choice && typeof choice === 'object') return { tool: { name: choice.function.name } };
  return undefined;
}
