/**
 * OpenAI's Responses API objects as the gateway returns them: the `response` object, its output
 * items and the stream's events. Shapes follow OpenAI's (the `openai` SDK and the AI SDK parse
 * them); fields the gateway has no value for carry OpenAI's defaults.
 */

export interface ResponseOutputText {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

export interface ResponseRefusal {
  type: 'refusal';
  refusal: string;
}

export interface ResponseOutputMessage {
  type: 'message';
  id: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  role: 'assistant';
  content: (ResponseOutputText | ResponseRefusal)[];
}

export interface ResponseFunctionCall {
  type: 'function_call';
  id: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  call_id: string;
  name: string;
  arguments: string;
}

export interface ResponseSummaryText {
  type: 'summary_text';
  text: string;
}

export interface ResponseReasoning {
  type: 'reasoning';
  id: string;
  summary: ResponseSummaryText[];
}

export type ResponseOutputItem = ResponseOutputMessage | ResponseFunctionCall | ResponseReasoning;

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  background: false;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  max_tool_calls: null;
  model: string;
  output: ResponseOutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  service_tier: string | null;
  store: boolean;
  temperature: number | null;
  text: { format: Record<string, unknown>; verbosity: 'medium' };
  tool_choice: unknown;
  tools: unknown[];
  top_logprobs: number;
  top_p: number | null;
  truncation: 'disabled';
  usage: ResponseUsage | null;
  user: string | null;
  metadata: Record<string, string>;
}

/** One event of a Responses stream, before its `sequence_number` is stamped on. */
export interface ResponseStreamEvent {
  type: string;
  [field: string]: unknown;
}
