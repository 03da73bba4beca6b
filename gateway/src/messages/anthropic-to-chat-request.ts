import {
  attachAnthropicRequest,
  type AnthropicMessagesRequest,
  type AnthropicThinkingParam,
  type AnthropicToolChoiceParam,
  type AnthropicToolParam,
  type ChatCompletionRequest,
  type FunctionTool,
  type ReasoningEffort,
  type ToolChoice,
} from '@app/contracts';
import { toChatMessages } from './anthropic-conversation';
import { ANTHROPIC_REQUEST_FIELDS } from './anthropic-request-fields';

/** The headers Anthropic targets receive as the client sent them. */
export const ANTHROPIC_PASSTHROUGH_HEADERS = ['anthropic-version', 'anthropic-beta'] as const;

/** The client's `anthropic-version` / `anthropic-beta` (repeated headers joined, as HTTP allows). */
export function passthroughHeadersOf(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ANTHROPIC_PASSTHROUGH_HEADERS) {
    const value = headers[name];
    if (value !== undefined) kept[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return kept;
}

/** Anthropic's `output_config` keys the translation understands; any other one is Anthropic-only. */
const OUTPUT_CONFIG_KEYS = new Set(['effort', 'format']);

/**
 * An Anthropic Messages request → the internal chat request every control and router acts on,
 * carrying the client's body and headers for Anthropic targets (see anthropic-passthrough.ts).
 * Nothing the client asked for is dropped unless the field table calls it a hint: what the
 * internal request cannot express is listed as untranslatable, so only Anthropic may serve it.
 */
export function toChatCompletionRequest(
  body: AnthropicMessagesRequest,
  headers: Record<string, string>,
): ChatCompletionRequest {
  const untranslatable = new Set<string>();
  for (const [field, value] of Object.entries(body)) {
    if (value !== undefined && value !== null && 'anthropicOnly' in ANTHROPIC_REQUEST_FIELDS[field])
      untranslatable.add(field);
  }
  const request: ChatCompletionRequest = {
    model: body.model,
    messages: toChatMessages(body, untranslatable),
    max_tokens: body.max_tokens,
  };
  if (body.stream) request.stream = true;
  if (body.temperature !== undefined) request.temperature = body.temperature;
  if (body.top_p !== undefined) request.top_p = body.top_p;
  if (body.stop_sequences?.length) request.stop = body.stop_sequences;
  if (body.metadata?.user_id) request.user = body.metadata.user_id;
  applyTools(request, body.tools, body.tool_choice, untranslatable);
  const effort = reasoningEffortFor(body.thinking, body.output_config?.effort, untranslatable);
  if (effort) request.reasoning_effort = effort;
  const schema = body.output_config?.format?.schema ?? body.output_format?.schema;
  if (schema)
    request.response_format = {
      type: 'json_schema',
      json_schema: { name: 'response', schema, strict: true },
    };
  for (const key of Object.keys(body.output_config ?? {}))
    if (!OUTPUT_CONFIG_KEYS.has(key)) untranslatable.add(`output_config.${key}`);
  return attachAnthropicRequest(request, {
    body,
    headers,
    untranslatable: [...untranslatable],
  });
}

function applyTools(
  request: ChatCompletionRequest,
  tools: AnthropicToolParam[] | undefined,
  choice: AnthropicToolChoiceParam | undefined,
  untranslatable: Set<string>,
): void {
  const functions: FunctionTool[] = [];
  for (const tool of tools ?? []) {
    if (!('input_schema' in tool) || (tool.type && tool.type !== 'custom')) {
      untranslatable.add(`tools[].type=${String(tool.type)}`);
      continue;
    }
    const custom = tool as Extract<AnthropicToolParam, { input_schema: unknown }>;
    functions.push({
      type: 'function',
      function: {
        name: custom.name,
        ...(custom.description ? { description: custom.description } : {}),
        parameters: custom.input_schema,
        ...(custom.strict !== undefined ? { strict: custom.strict } : {}),
      },
    });
  }
  if (functions.length === 0) return;
  request.tools = functions;
  if (!choice) return;
  request.tool_choice = toToolChoice(choice);
  if ('disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use)
    request.parallel_tool_calls = false;
}

function toToolChoice(choice: AnthropicToolChoiceParam): ToolChoice {
  switch (choice.type) {
    case 'any':
      return 'required';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
    case 'none':
      return 'none';
    default:
      return 'auto';
  }
}

/**
 * Anthropic's thinking budget as OpenAI's effort level: the budgets the Anthropic adapter gives
 * each level (2048 low, 8192 medium, 16384 high) are the boundaries, read from the other side.
 */
function reasoningEffortFor(
  thinking: AnthropicThinkingParam | undefined,
  effort: string | null | undefined,
  untranslatable: Set<string>,
): ReasoningEffort | undefined {
  if (!thinking || thinking.type === 'disabled') return undefined;
  if (thinking.type !== 'enabled' && thinking.type !== 'adaptive') {
    untranslatable.add(`thinking.type=${thinking.type}`);
    return undefined;
  }
  if (effort) return effort === 'max' ? 'xhigh' : (effort as ReasoningEffort);
  if (thinking.type === 'adaptive') return 'medium';
  const budget = (thinking as { budget_tokens: number }).budget_tokens;
  return budget < 4096 ? 'low' : budget < 16384 ? 'medium' : 'high';
}
