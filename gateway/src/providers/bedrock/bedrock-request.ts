import type {
  ConverseCommandInput,
  InferenceConfiguration,
  Tool,
  ToolChoice as BedrockToolChoice,
} from '@aws-sdk/client-bedrock-runtime';
import type { ChatCompletionRequest, FunctionTool, ToolChoice } from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import { toBedrockConversation } from './bedrock-messages';

/** OpenAI chat request → Converse input (the same shape serves ConverseStream). Call `assertSupported` first. */
export function toConverseInput(
  request: ChatCompletionRequest,
  config: Pick<ProviderConfig, 'options'>,
): ConverseCommandInput {
  const { system, messages } = toBedrockConversation(request.messages);
  const input: ConverseCommandInput = { modelId: request.model, messages };
  if (system.length > 0) input.system = system;
  const inferenceConfig = toInferenceConfig(request, config);
  if (inferenceConfig) input.inferenceConfig = inferenceConfig;
  if (request.tools?.length) {
    input.toolConfig = { tools: request.tools.map(toToolSpec) };
    const toolChoice = toBedrockToolChoice(request.tool_choice);
    if (toolChoice) input.toolConfig.toolChoice = toolChoice;
  }
  return input;
}

function toInferenceConfig(
  request: ChatCompletionRequest,
  config: Pick<ProviderConfig, 'options'>,
): InferenceConfiguration | undefined {
  const inference: InferenceConfiguration = {};
  const configured = Number(config.options.maxTokens);
  const maxTokens =
    request.max_completion_tokens ??
    request.max_tokens ??
    (Number.isFinite(configured) && configured > 0 ? configured : undefined);
  if (maxTokens != null) inference.maxTokens = maxTokens;
  if (request.temperature != null) inference.temperature = request.temperature;
  if (request.top_p != null) inference.topP = request.top_p;
  if (request.stop != null)
    inference.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  return Object.keys(inference).length > 0 ? inference : undefined;
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
