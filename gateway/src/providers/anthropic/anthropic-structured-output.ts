import type { ChatCompletionRequest } from '@app/contracts';
import { acceptsForcedToolUse, takesOutputFormat } from '../shared/claude-models';
import type {
  AnthropicMessagesRequest,
  AnthropicTool,
  AnthropicToolChoice,
} from './anthropic-wire.types';

/** The tool whose input is the answer when structured output travels through tool use. */
export const ANSWER_TOOL_NAME = 'json_response';

export interface StructuredOutputPlan {
  /** Native structured output (`output_config.format`). */
  format?: NonNullable<AnthropicMessagesRequest['output_config']>['format'];
  /** The answer tool, returned to the client as message content, never as a tool call. */
  answerTool?: AnthropicTool;
  toolChoice?: AnthropicToolChoice;
  /** A system instruction, when the answer tool cannot be forced. */
  instruction?: string;
}

/**
 * `response_format` on Anthropic:
 * - `json_schema` → `output_config.format` (constrained decoding, Claude 4.5 and later);
 * - `json_object`, and `json_schema` on older models → a tool whose input schema is the answer's
 *   (Anthropic's documented pattern for open-ended JSON: its native format requires every object
 *   to close with `additionalProperties: false`, so "any object" cannot be expressed there).
 *   The tool is forced when Anthropic allows it: not with thinking on, not from Claude 5.5 on
 *   (which refuses forced tool use), not beside the client's own tools. Otherwise the model is
 *   told to answer through it.
 */
export function structuredOutputFor(
  request: ChatCompletionRequest,
  context: { thinking: boolean },
): StructuredOutputPlan {
  const format = request.response_format;
  if (!format || format.type === 'text') return {};
  const schema = format.type === 'json_schema' ? format.json_schema.schema : undefined;
  if (schema && takesOutputFormat(request.model))
    return { format: { type: 'json_schema', schema: closeObjects(schema) } };
  const answerTool: AnthropicTool = {
    name: ANSWER_TOOL_NAME,
    description:
      format.type === 'json_schema'
        ? (format.json_schema.description ?? `Respond with the ${format.json_schema.name} object.`)
        : 'Respond with your answer as one JSON object.',
    input_schema: schema ?? { type: 'object' },
  };
  const canForce =
    !context.thinking && acceptsForcedToolUse(request.model) && !request.tools?.length;
  if (canForce) return { answerTool, toolChoice: { type: 'tool', name: ANSWER_TOOL_NAME } };
  return {
    answerTool,
    instruction: `Give your final answer by calling the ${ANSWER_TOOL_NAME} tool with it as the input.`,
  };
}

/**
 * Anthropic's constrained decoding requires every object to say `additionalProperties: false`
 * (OpenAI asks the same only in strict mode). Objects that leave it unset get it; an explicit
 * value is the client's and is sent as it is, for Anthropic to judge.
 */
export function closeObjects(schema: Record<string, unknown>): Record<string, unknown> {
  const closed: Record<string, unknown> = { ...schema };
  const isObject = closed.type === 'object' || closed.properties !== undefined;
  if (isObject && closed.additionalProperties === undefined) closed.additionalProperties = false;
  for (const key of ['properties', '$defs', 'definitions']) {
    const children = closed[key];
    if (children && typeof children === 'object')
      closed[key] = Object.fromEntries(
        Object.entries(children).map(([name, child]) => [name, closeChild(child)]),
      );
  }
  for (const key of ['items', 'anyOf', 'allOf', 'oneOf']) {
    const child = closed[key];
    if (Array.isArray(child)) closed[key] = child.map(closeChild);
    else if (child && typeof child === 'object') closed[key] = closeChild(child);
  }
  return closed;
}

function closeChild(child: unknown): unknown {
  return child && typeof child === 'object' && !Array.isArray(child)
    ? closeObjects(child as Record<string, unknown>)
    : child;
}
