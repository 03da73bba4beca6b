import { ProviderError, type ChatCompletionRequest, type ChatMessage } from '@app/contracts';
import { AbortSource } from '@app/http';
import {
  collect,
  context,
  failureOf,
  streamedText,
  streamedToolCalls,
  TIME_TOOL,
  WEATHER_TOOL,
  type ConformanceSubject,
  type RequestBuilder,
} from './conformance-helpers';
import { describeToolCallIds } from './conformance-opaque-data';
import {
  describeChunkContract,
  describeReasoning,
  describeStructuredOutput,
  describeUpstreamErrorMessages,
} from './conformance-outputs';

export type { ConformanceFailure, ConformanceSubject, OpaqueToolData } from './conformance-helpers';

/** A 1×1 transparent PNG. */
const PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/**
 * The behaviour every `ChatProvider` must show against its fake upstream. Each adapter's
 * `<name>.conformance.spec.ts` calls this with a factory for its provider and fake.
 */
export function describeProviderConformance(
  name: string,
  setup: () => Promise<ConformanceSubject>,
): void {
  describe(`${name} provider conformance`, () => {
    let subject: ConformanceSubject;
    const request = (
      messages: ChatMessage[],
      extra: Partial<ChatCompletionRequest> = {},
    ): ChatCompletionRequest => ({
      model: subject.model,
      messages,
      ...extra,
    });

    beforeAll(async () => {
      subject = await setup();
    });
    afterAll(async () => {
      await subject.stop();
    });

    describePlainChat(() => subject, request);
    describeChunkContract(() => subject, request);
    describeTools(() => subject, request);
    describeToolCallIds(() => subject, request);
    describeReasoning(() => subject, request);
    describeStructuredOutput(() => subject, request);
    describeErrors(() => subject, request);
    describeUpstreamErrorMessages(() => subject);
  });
}

function describePlainChat(current: () => ConformanceSubject, request: RequestBuilder): void {
  it('answers a plain chat with one stop choice and usage that adds up', async () => {
    const completion = await current().provider.chat(
      request([{ role: 'user', content: 'Hello' }]),
      context(),
    );
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0].message).toMatchObject({
      role: 'assistant',
      content: current().reply,
    });
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage!.total_tokens).toBe(
      completion.usage!.prompt_tokens + completion.usage!.completion_tokens,
    );
  });

  it('sends the system prompt and every turn of a multi-turn conversation upstream', async () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are terse-system-marker.' },
      { role: 'user', content: 'first-user-turn' },
      { role: 'assistant', content: 'first-assistant-turn' },
      { role: 'user', content: 'second-user-turn' },
    ];
    const completion = await current().provider.chat(request(messages), context());
    expect(completion.choices[0].message.content).toBe(current().reply);
    const upstream = current().lastUpstreamBody();
    for (const marker of [
      'terse-system-marker',
      'first-user-turn',
      'first-assistant-turn',
      'second-user-turn',
    ]) {
      expect(upstream).toContain(marker);
    }
  });

  it('streams a role chunk first, content deltas that rebuild the reply, a stop finish and a usage chunk', async () => {
    const chunks = await collect(
      current().provider.stream(
        request([{ role: 'user', content: 'Hello' }], {
          stream: true,
          stream_options: { include_usage: true },
        }),
        context(),
      ),
    );
    expect(chunks[0].object).toBe('chat.completion.chunk');
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(streamedText(chunks)).toBe(current().reply);
    expect(chunks.filter((chunk) => chunk.choices.length > 0).length).toBeGreaterThan(2);
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop')).toBe(true);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(last.usage!.total_tokens).toBe(
      last.usage!.prompt_tokens + last.usage!.completion_tokens,
    );
  });

  it('passes stop sequences upstream', async () => {
    await current().provider.chat(
      request([{ role: 'user', content: 'Count' }], { stop: ['STOP-HERE', 'END-MARK'] }),
      context(),
    );
    expect(current().lastUpstreamBody()).toContain('STOP-HERE');
    expect(current().lastUpstreamBody()).toContain('END-MARK');
  });

  it('sends a data-URL image upstream when the provider takes images', async () => {
    if (!current().supports.images) return;
    const completion = await current().provider.chat(
      request([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PIXEL_PNG}` } },
          ],
        },
      ]),
      context(),
    );
    expect(completion.choices[0].message.content).toBe(current().reply);
    expect(current().lastUpstreamBody()).toContain(PIXEL_PNG);
  });
}

function describeTools(current: () => ConformanceSubject, request: RequestBuilder): void {
  const question: ChatMessage = { role: 'user', content: 'Weather in Paris?' };

  it('round-trips a tool call: JSON-string arguments out, tool result in, text answer back', async () => {
    const first = await current().provider.chat(
      request([question], { tools: [WEATHER_TOOL] }),
      context(),
    );
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    const calls = first.choices[0].message.tool_calls!;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse(calls[0].function.arguments)).toEqual({ city: 'Paris' });

    const followUp: ChatMessage[] = [
      question,
      { role: 'assistant', content: null, tool_calls: calls },
      { role: 'tool', tool_call_id: calls[0].id, content: 'sunny-tool-result' },
    ];
    const second = await current().provider.chat(
      request(followUp, { tools: [WEATHER_TOOL] }),
      context(),
    );
    expect(second.choices[0].finish_reason).toBe('stop');
    expect(second.choices[0].message.content).toBe(current().reply);
    expect(current().lastUpstreamBody()).toContain('sunny-tool-result');
  });

  it('returns two parallel tool calls with distinct ids in one answer', async () => {
    const completion = await current().provider.chat(
      request([question], { tools: [WEATHER_TOOL, TIME_TOOL] }),
      context(),
    );
    const calls = completion.choices[0].message.tool_calls!;
    expect(calls.map((call) => call.function.name)).toEqual(['get_weather', 'get_time']);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
  });

  it('streams parallel tool calls as indexed deltas whose arguments concatenate to JSON', async () => {
    const chunks = await collect(
      current().provider.stream(
        request([question], { stream: true, tools: [WEATHER_TOOL, TIME_TOOL] }),
        context(),
      ),
    );
    const calls = streamedToolCalls(chunks);
    expect(calls.map((call) => call.function.name)).toEqual(['get_weather', 'get_time']);
    for (const call of calls)
      expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
  });
}

function describeErrors(current: () => ConformanceSubject, request: RequestBuilder): void {
  it('maps a 400 to a non-retryable http error', async () => {
    const error = await failureOf(current(), 'bad-request');
    expect(error).toMatchObject({ kind: 'http', status: 400, retryable: false });
  });

  it('maps an authentication failure to a non-retryable 401/403', async () => {
    const error = await failureOf(current(), 'unauthorized');
    expect([401, 403]).toContain(error.status);
    expect(error.retryable).toBe(false);
  });

  it('maps a 429 to a retryable error carrying Retry-After in milliseconds', async () => {
    const error = await failureOf(current(), 'rate-limit');
    expect(error).toMatchObject({ kind: 'http', status: 429, retryable: true });
    expect(error.retryAfterMs).toBe(current().retryAfterSeconds * 1000);
  });

  it('maps a 500 to a retryable error, streaming or not', async () => {
    expect(await failureOf(current(), 'server-error')).toMatchObject({
      status: 500,
      retryable: true,
    });
    expect(await failureOf(current(), 'server-error', true)).toMatchObject({
      status: 500,
      retryable: true,
    });
  });

  it('maps an overload to a retryable error', async () => {
    if (!current().supports.overload) return;
    const error = await failureOf(current(), 'overloaded');
    expect(error.retryable).toBe(true);
    expect(error.status).toBeGreaterThanOrEqual(429);
  });

  it('returns the router’s ProviderError when the attempt was aborted with one', async () => {
    const abort = new AbortSource();
    const timeout = new ProviderError('first byte timeout', { kind: 'timeout' });
    abort.abort(timeout);
    const call = current().provider.chat(request([{ role: 'user', content: 'Hello' }]), {
      abort,
      requestId: 'aborted',
    });
    await expect(call).rejects.toBe(timeout);
  });
}
