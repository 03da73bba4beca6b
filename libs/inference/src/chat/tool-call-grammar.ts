import { randomBytes } from 'node:crypto';
import { ChatCompletionRequest, FunctionTool, GatewayError, ToolCall } from '@app/contracts';
import type { GbnfJsonSchema, Llama, LlamaGrammar } from 'node-llama-cpp' with {
  'resolution-mode': 'import',
};

/**
 * Tool calling on the local engine by constrained decoding, as llama.cpp's own server does for
 * models without a tool-call template: the answer is JSON that a grammar built from the tools'
 * schemas allows — `{"tool_calls": [{"name", "arguments"}]}`, or with `tool_choice: "auto"` also
 * `{"content": "…"}` — so a call always names a declared tool with arguments that fit its
 * schema. A system line tells the model the tools and the form. `required` (or a named tool)
 * always calls; `auto` lets the model choose; `none` (or no tools) is plain text.
 */
export interface ToolCallPlan {
  grammar: LlamaGrammar;
  /** The system line that describes the tools and the answer form. */
  instructions: string;
}

export type ToolCallAnswer = { content: string } | { toolCalls: ToolCall[] };

/** The plan for a request's tools, or undefined when it asks for no tool call. */
export async function toolCallPlanFor(
  llama: Llama,
  request: ChatCompletionRequest,
): Promise<ToolCallPlan | undefined> {
  const tools = (request.tools ?? []) as FunctionTool[];
  const choice = request.tool_choice ?? 'auto';
  if (tools.length === 0 || choice === 'none') return undefined;
  const offered =
    typeof choice === 'object'
      ? tools.filter((tool) => tool.function.name === choice.function.name)
      : tools;
  if (offered.length === 0) {
    throw GatewayError.invalidRequest(
      `tool_choice names '${(choice as { function: { name: string } }).function.name}', which is not in tools`,
      'tool_choice',
    );
  }
  const calls = {
    type: 'array',
    items: { oneOf: offered.map(callSchema) },
    minItems: 1,
    ...(request.parallel_tool_calls === false ? { maxItems: 1 } : {}),
  };
  const answer = { type: 'object', properties: { tool_calls: calls } };
  const text = { type: 'object', properties: { content: { type: 'string' } } };
  const schema = choice === 'auto' ? { oneOf: [text, answer] } : answer;
  let grammar: LlamaGrammar;
  try {
    // The tools' schemas are user input; node-llama-cpp validates them while building the grammar.
    grammar = await llama.createGrammarForJsonSchema<GbnfJsonSchema>(
      schema as unknown as GbnfJsonSchema,
    );
  } catch (error) {
    throw GatewayError.invalidRequest(
      `tools[].function.parameters is not supported by the local model: ${(error as Error).message}`,
      'tools',
    );
  }
  return { grammar, instructions: instructionsFor(offered, choice === 'auto') };
}

function callSchema(tool: FunctionTool): Record<string, unknown> {
  const parameters = tool.function.parameters ?? { type: 'object', properties: {} };
  return {
    type: 'object',
    properties: { name: { const: tool.function.name }, arguments: parameters },
  };
}

function instructionsFor(tools: FunctionTool[], mayAnswer: boolean): string {
  const list = tools
    .map(
      (tool) =>
        `- ${tool.function.name}: ${tool.function.description ?? ''} Arguments (JSON Schema): ${JSON.stringify(tool.function.parameters ?? {})}`,
    )
    .join('\n');
  const form = mayAnswer
    ? 'Answer with JSON: {"content": "your answer"}, or call tools with {"tool_calls": [{"name": "…", "arguments": {…}}]}.'
    : 'Call tools with JSON: {"tool_calls": [{"name": "…", "arguments": {…}}]}.';
  return `You can call these tools:\n${list}\n${form}`;
}

/**
 * Reads the constrained answer back: tool calls (each with a fresh `call_…` id and its arguments
 * as a JSON string) or text. An answer cut short by the token limit is not valid JSON: its raw
 * text is returned as content, as any answer cut short is.
 */
export function parseToolCallAnswer(text: string): ToolCallAnswer {
  let parsed: { content?: unknown; tool_calls?: { name: string; arguments: unknown }[] };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return { content: text };
  }
  if (Array.isArray(parsed.tool_calls) && parsed.tool_calls.length > 0) {
    return {
      toolCalls: parsed.tool_calls.map((call) => ({
        id: `call_${randomBytes(12).toString('hex')}`,
        type: 'function' as const,
        function: { name: call.name, arguments: JSON.stringify(call.arguments ?? {}) },
      })),
    };
  }
  return { content: typeof parsed.content === 'string' ? parsed.content : text };
}
