import { FAKE_TOOL_ARGUMENTS, fakeInstanceOf } from './fake-json-schema';

export { FAKE_TOOL_ARGUMENTS } from './fake-json-schema';

/**
 * What every wire-format fake (Anthropic, Gemini, Bedrock) answers, decided from a neutral view
 * of the request so the fakes agree: a tool call for every declared tool until a tool result
 * arrives, then the text reply. Declaring two tools therefore yields two parallel tool calls. A
 * forced tool (`tool_choice` naming one) is called alone, with arguments that fit its schema, as
 * structured output through a tool expects.
 */

/** Failure behaviours every provider fake can be switched to. */
export type ProviderFakeFailure =
  'error-500' | 'rate-limit' | 'bad-request' | 'unauthorized' | 'overloaded';

export interface FakeToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export type FakeAnswer = { kind: 'text'; text: string } | { kind: 'tools'; calls: FakeToolCall[] };

export interface FakeToolDeclaration {
  name: string;
  schema?: Record<string, unknown>;
}

export function decideAnswer(
  request: {
    tools: FakeToolDeclaration[];
    lastTurnIsToolResult: boolean;
    toolsDisabled?: boolean;
    forcedTool?: string;
  },
  reply: string,
  idPrefix = 'call_fake_',
): FakeAnswer {
  const forced = request.tools.find((tool) => tool.name === request.forcedTool);
  if (forced) {
    const input = fakeInstanceOf(forced.schema, reply) as Record<string, unknown>;
    return { kind: 'tools', calls: [{ id: `${idPrefix}1`, name: forced.name, arguments: input }] };
  }
  if (request.tools.length === 0 || request.lastTurnIsToolResult || request.toolsDisabled)
    return { kind: 'text', text: reply };
  return {
    kind: 'tools',
    calls: request.tools.map((tool, index) => ({
      id: `${idPrefix}${index + 1}`,
      name: tool.name,
      arguments: FAKE_TOOL_ARGUMENTS,
    })),
  };
}

/** Splits a reply into at most `count` pieces that concatenate back to it. */
export function splitReply(reply: string, count: number): string[] {
  const words = reply.split(' ');
  const pieceCount = Math.max(1, Math.min(count, words.length));
  const size = Math.ceil(words.length / pieceCount);
  const pieces: string[] = [];
  for (let index = 0; index < words.length; index += size) {
    pieces.push((index > 0 ? ' ' : '') + words.slice(index, index + size).join(' '));
  }
  return pieces;
}

/** A deterministic token estimate: whitespace-separated words of the JSON text. */
export function countTokens(value: unknown): number {
  return JSON.stringify(value ?? '').split(/\s+/).length;
}

/** One-shot behaviours first, then the standing one (the FakeOpenAIServer convention). */
export class BehaviourQueue<Behaviour extends string> {
  private readonly queue: Behaviour[] = [];

  constructor(public behaviour: Behaviour) {}

  enqueue(...behaviours: Behaviour[]): void {
    this.queue.push(...behaviours);
  }

  next(): Behaviour {
    return this.queue.shift() ?? this.behaviour;
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
