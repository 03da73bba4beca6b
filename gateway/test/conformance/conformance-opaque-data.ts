// Test-only module: tool-call ids and the opaque per-call data they carry.
import type { ChatCompletionRequest, ChatMessage, ToolCall } from '@app/contracts';
import {
  decodeToolCallId,
  type OpaqueToolData,
} from '../../src/providers/shared/tool-call-id-codec';
import {
  collect,
  context,
  minimalFollowUp,
  rejectionOf,
  streamedToolCalls,
  TIME_TOOL,
  WEATHER_TOOL,
  type ConformanceSubject,
  type RequestBuilder,
} from './conformance-helpers';

const question: ChatMessage = { role: 'user', content: 'Weather in Paris?' };

/** The signature a decoded id carries, whatever its provider. */
function signatureOf(opaque: OpaqueToolData | undefined): string | undefined {
  if (opaque?.kind === 'gemini-thought-signature') return opaque.signature;
  const first = opaque?.blocks[0];
  return first?.type === 'thinking' ? first.signature : undefined;
}

/**
 * Tool-call ids: unique per call across streamed events, and carrying what the provider needs
 * on the next turn (Gemini's thought signature, Claude's signed thinking) through a client that
 * echoes nothing but the id.
 */
export function describeToolCallIds(
  current: () => ConformanceSubject,
  request: RequestBuilder,
): void {
  // Claude signs its thinking only when it thinks: ask for reasoning where that is the data.
  const reasoning = (): Partial<ChatCompletionRequest> =>
    current().supports.opaqueToolData === 'claude-thinking' ? { reasoning_effort: 'low' } : {};

  it('gives every streamed tool call its own id, across events', async () => {
    const chunks = await collect(
      current().provider.stream(
        request([question], { stream: true, tools: [WEATHER_TOOL, TIME_TOOL] }),
        context(),
      ),
    );
    const ids = streamedToolCalls(chunks).map((call) => call.id);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(new Set(ids).size).toBe(2);
  });

  it.each([false, true])(
    'round-trips tool calls with the provider’s opaque per-call data (streamed: %s)',
    async (streamed) => {
      const subject = current();
      const tools = [WEATHER_TOOL, TIME_TOOL];
      const ask = request([question], { tools, ...reasoning() });
      const calls: ToolCall[] = streamed
        ? streamedToolCalls(
            await collect(subject.provider.stream({ ...ask, stream: true }, context())),
          )
        : (await subject.provider.chat(ask, context())).choices[0].message.tool_calls!;
      expect(calls.map((call) => call.function.name)).toEqual(['get_weather', 'get_time']);
      const opaque = decodeToolCallId(calls[0].id).opaque;
      if (subject.supports.opaqueToolData === 'none') expect(opaque).toBeUndefined();
      else expect(signatureOf(opaque)).toEqual(expect.any(String));

      const answer = await subject.provider.chat(
        request(minimalFollowUp(question, calls), { tools, ...reasoning() }),
        context(),
      );
      expect(answer.choices[0].message.content).toBe(subject.reply);
      const upstream = subject.lastUpstreamBody();
      expect(upstream).toContain('sunny-tool-result');
      const signature = signatureOf(opaque);
      if (signature) expect(upstream).toContain(signature);
      // The provider sees its own ids, never the gateway's encoding.
      expect(upstream).not.toMatch(/__(gts|atk|btk)__/);
    },
  );

  it('answers a follow-up that lost the opaque data as the provider documents', async () => {
    const subject = current();
    if (subject.supports.opaqueToolData === 'none') return;
    const tools = [WEATHER_TOOL];
    const first = await subject.provider.chat(
      request([question], { tools, ...reasoning() }),
      context(),
    );
    const stripped = first.choices[0].message.tool_calls!.map((call) => ({
      ...call,
      id: decodeToolCallId(call.id).id,
    }));
    const followUp = request(minimalFollowUp(question, stripped), { tools, ...reasoning() });
    if (subject.supports.opaqueToolData === 'gemini-thought-signature') {
      // Google documents a stand-in for signatures a client could not keep; Gemini 3 takes it.
      const answer = await subject.provider.chat(followUp, context());
      expect(answer.choices[0].message.content).toBe(subject.reply);
      expect(subject.lastUpstreamBody()).toContain('skip_thought_signature_validator');
      return;
    }
    // Claude refuses a thinking tool loop without its signed thinking: a 400 in its own words.
    const error = await rejectionOf(subject.provider.chat(followUp, context()));
    expect(error).toMatchObject({ kind: 'http', status: 400, retryable: false });
    expect((error.body as { message: string }).message).toMatch(/thinking/);
  });
}
