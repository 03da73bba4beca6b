import type {
  FunctionCallingConfigMode,
  GenerateContentConfig,
  GenerateContentParameters,
  ToolConfig,
} from '@google/genai' with { 'resolution-mode': 'import' };
import type { ChatCompletionRequest, ToolChoice } from '@app/contracts';
import { reasoningEffortOf } from '../shared/reasoning-effort';
import { toGeminiConversation } from './gemini-contents';
import { isGemini3OrLater, toThinkingConfig } from './gemini-thinking';

/** OpenAI chat request → `generateContent` parameters (call `assertSupported` first). */
export function toGenerateContentParameters(
  request: ChatCompletionRequest,
): GenerateContentParameters {
  const { contents, systemInstruction } = toGeminiConversation(request.messages, {
    validatesThoughtSignatures: isGemini3OrLater(request.model),
  });
  const config: GenerateContentConfig = { ...generationConfigOf(request) };
  if (systemInstruction) config.systemInstruction = systemInstruction;
  if (request.tools?.length) {
    config.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.function.name,
          ...(tool.function.description ? { description: tool.function.description } : {}),
          ...(tool.function.parameters ? { parametersJsonSchema: tool.function.parameters } : {}),
        })),
      },
    ];
    const toolConfig = toToolConfig(request.tool_choice);
    if (toolConfig) config.toolConfig = toolConfig;
  }
  return { model: request.model, contents, config };
}

function generationConfigOf(request: ChatCompletionRequest): GenerateContentConfig {
  const config: GenerateContentConfig = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) config.maxOutputTokens = maxTokens;
  if (request.temperature != null) config.temperature = request.temperature;
  if (request.top_p != null) config.topP = request.top_p;
  if (request.n != null) config.candidateCount = request.n;
  if (request.seed != null) config.seed = request.seed;
  if (request.presence_penalty != null) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty != null) config.frequencyPenalty = request.frequency_penalty;
  if (request.stop != null)
    config.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  // Structured output: JSON mode, plus the schema as JSON Schema (`responseJsonSchema`, which
  // takes standard JSON Schema; the older `responseSchema` takes only OpenAPI's subset).
  const format = request.response_format;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    if (format.json_schema.schema) config.responseJsonSchema = format.json_schema.schema;
  }
  const thinkingConfig = toThinkingConfig(request.model, reasoningEffortOf(request));
  if (thinkingConfig) config.thinkingConfig = thinkingConfig;
  return config;
}

/** The SDK's enum values; the SDK is ESM-only for TypeScript here, so its runtime enum is not imported. */
const mode = (value: 'AUTO' | 'ANY' | 'NONE') => value as FunctionCallingConfigMode;

export function toToolConfig(choice: ToolChoice | undefined): ToolConfig | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { functionCallingConfig: { mode: mode('AUTO') } };
  if (choice === 'none') return { functionCallingConfig: { mode: mode('NONE') } };
  if (choice === 'required') return { functionCallingConfig: { mode: mode('ANY') } };
  return {
    functionCallingConfig: { mode: mode('ANY'), allowedFunctionNames: [choice.function.name] },
  };
}
