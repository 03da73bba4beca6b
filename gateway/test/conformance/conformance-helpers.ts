// Test-only module shared by the conformance case files.
import {
  ProviderError,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ChatMessage,
  type FunctionTool,
  type ToolCall,
} from '@app/contracts';
import type { ChatProvider, ProviderCallContext } from '../../src/providers/chat-provider';
import { AbortSource } from '@app/http';

/** Failures every fake can be told to answer the next upstream call with. */
export type ConformanceFailure =
  'bad-request' | 'unauthorized' | 'rate-limit' | 'server-error' | 'overloaded';

/** What the provider needs back with a tool call on the next turn, carried in the call's id. */
export type OpaqueToolData = 'none' | 'gemini-thought-signature' | 'claude-thinking';

/** What the suite needs from one adapter and the fake upstream it talks to. */
export interface ConformanceSubject {
  provider: ChatProvider;
  model: string;
  /** The fake's text answer (the suite checks streams reassemble it). */
  reply: string;
  /** Seconds the fake puts in Retry-After on a 429. Must be > 0. */
  retryAfterSeconds: number;
  failNext(failure: ConformanceFailure): void;
  /** The raw body of the last chat call the fake received, as text. */
  lastUpstreamBody(): string;
  /** The fake's own message (and param, when it names one) for 'bad-request'. */
  badRequest: { message: string; param?: string };
  /**
   * Text the upstream body must hold when the request asks for `reasoning_effort: "high"`:
   * the provider's reasoning control (`"thinking"`, `"thinkingConfig"`) or the field itself.
   */
  reasoningUpstreamMarker: string;
  /** Which optional behaviours this provider/fake pair has. */
  supports: {
    images: boolean;
    overload: boolean;
    /** Opaque per-call data the provider issues (Claude thinking only when reasoning is on). */
    opaqueToolData: OpaqueToolData;
    /** Azure's `prompt_filter_results`, moved from its choice-less first frame onto a chunk. */
    promptFilterResults?: boolean;
  };
  stop(): Promise<void>;
}

export type RequestBuilder = (
  messages: ChatMessage[],
  extra?: Partial<ChatCompletionRequest>,
) => ChatCompletionRequest;

export const WEATHER_TOOL: FunctionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
};

export const TIME_TOOL: FunctionTool = {
  type: 'function',
  function: {
    name: 'get_time',
    description: 'Local time in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
};

export function context(): ProviderCallContext {
  return { abort: new AbortSource(), requestId: 'conformance' };
}

export async function collect(
  stream: AsyncIterable<ChatCompletionChunk>,
): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

export function streamedText(chunks: ChatCompletionChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
}

export function streamedReasoning(chunks: ChatCompletionChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? '').join('');
}

/** Reassembles streamed tool calls by index, as OpenAI clients do. */
export function streamedToolCalls(chunks: ChatCompletionChunk[]): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const delta of chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])) {
    const call = (calls[delta.index] ??= {
      id: '',
      type: 'function',
      function: { name: '', arguments: '' },
    });
    call.id ||= delta.id ?? '';
    call.function.name ||= delta.function?.name ?? '';
    call.function.arguments += delta.function?.arguments ?? '';
  }
  return calls;
}

/** The follow-up a client that keeps only id, name and arguments sends (LangChain, AI SDK…). */
export function minimalFollowUp(
  question: ChatMessage,
  calls: ToolCall[],
  result = 'sunny-tool-result',
): ChatMessage[] {
  return [
    question,
    {
      role: 'assistant',
      content: null,
      tool_calls: calls.map(({ id, function: { name, arguments: args } }) => ({
        id,
        type: 'function' as const,
        function: { name, arguments: args },
      })),
    },
    ...calls.map((call) => ({ role: 'tool' as const, tool_call_id: call.id, content: result })),
  ];
}

export async function failureOf(
  subject: ConformanceSubject,
  failure: ConformanceFailure,
  streaming = false,
): Promise<ProviderError> {
  subject.failNext(failure);
  const body: ChatCompletionRequest = {
    model: subject.model,
    messages: [{ role: 'user', content: 'Hello' }],
  };
  try {
    if (streaming) await collect(subject.provider.stream({ ...body, stream: true }, context()));
    else await subject.provider.chat(body, context());
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error(`expected ${failure} to fail the call`);
}

/** The error a call fails with (to assert on), or a failure when it succeeds. */
export async function rejectionOf(call: Promise<unknown>): Promise<ProviderError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected the call to fail');
}
