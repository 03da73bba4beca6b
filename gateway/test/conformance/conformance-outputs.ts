// Test-only module: reasoning, structured output, the chunk contract and upstream error messages.
import type { ChatCompletionChunk, ChatMessage } from '@app/contracts';
import {
  collect,
  context,
  failureOf,
  streamedReasoning,
  streamedText,
  WEATHER_TOOL,
  type ConformanceSubject,
  type RequestBuilder,
} from './conformance-helpers';

const hello: ChatMessage = { role: 'user', content: 'Hello' };

const FORECAST_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, sunny: { type: 'boolean' } },
  required: ['city', 'sunny'],
  additionalProperties: false,
};

/** Every chunk but the final usage chunk has choices, each with a delta, under one id. */
function expectChunkContract(chunks: ChatCompletionChunk[]): void {
  const last = chunks[chunks.length - 1];
  const body = last.usage && last.choices.length === 0 ? chunks.slice(0, -1) : chunks;
  expect(body.length).toBeGreaterThan(0);
  for (const chunk of body) {
    expect(chunk.object).toBe('chat.completion.chunk');
    expect(chunk.choices.length).toBeGreaterThan(0);
    for (const choice of chunk.choices) expect(choice.delta).toEqual(expect.any(Object));
  }
  expect(body[0].id).not.toBe('');
  expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
}

export function describeChunkContract(
  current: () => ConformanceSubject,
  request: RequestBuilder,
): void {
  it('streams no chunk without choices except the usage chunk, all under one id', async () => {
    const text = await collect(
      current().provider.stream(
        request([hello], { stream: true, stream_options: { include_usage: true } }),
        context(),
      ),
    );
    expectChunkContract(text);
    const tools = await collect(
      current().provider.stream(
        request([{ role: 'user', content: 'Weather?' }], { stream: true, tools: [WEATHER_TOOL] }),
        context(),
      ),
    );
    expectChunkContract(tools);
  });

  it('keeps upstream content-filter annotations on the first chunk that carries choices', async () => {
    if (!current().supports.promptFilterResults) return;
    const [first] = await collect(
      current().provider.stream(request([hello], { stream: true }), context()),
    );
    expect(first.choices[0].delta.role).toBe('assistant');
    expect((first as unknown as Record<string, unknown>).prompt_filter_results).toEqual([
      expect.objectContaining({ prompt_index: 0, content_filter_results: expect.any(Object) }),
    ]);
  });
}

export function describeReasoning(
  current: () => ConformanceSubject,
  request: RequestBuilder,
): void {
  it('sends reasoning_effort as the provider’s reasoning control and returns reasoning_content', async () => {
    const subject = current();
    const completion = await subject.provider.chat(
      request([hello], { reasoning_effort: 'high' }),
      context(),
    );
    expect(subject.lastUpstreamBody()).toContain(subject.reasoningUpstreamMarker);
    expect(completion.choices[0].message.content).toBe(subject.reply);
    expect(completion.choices[0].message.reasoning_content).toEqual(expect.any(String));
    expect(completion.choices[0].message.reasoning_content).not.toBe('');
  });

  it('streams reasoning as reasoning_content deltas before the answer', async () => {
    const subject = current();
    const chunks = await collect(
      subject.provider.stream(
        request([hello], { stream: true, reasoning_effort: 'high' }),
        context(),
      ),
    );
    expect(streamedReasoning(chunks)).not.toBe('');
    expect(streamedText(chunks)).toBe(subject.reply);
    const firstReasoning = chunks.findIndex((chunk) => chunk.choices[0]?.delta.reasoning_content);
    const firstContent = chunks.findIndex((chunk) => chunk.choices[0]?.delta.content);
    expect(firstReasoning).toBeLessThan(firstContent);
  });
}

export function describeStructuredOutput(
  current: () => ConformanceSubject,
  request: RequestBuilder,
): void {
  const ask: ChatMessage = { role: 'user', content: 'The forecast for Paris, as JSON.' };
  const jsonSchema = {
    type: 'json_schema' as const,
    json_schema: { name: 'forecast', schema: FORECAST_SCHEMA },
  };

  it.each([false, true])(
    'answers json_schema with content that parses to the schema (streamed: %s)',
    async (streamed) => {
      const body = request([ask], { response_format: jsonSchema });
      const text = streamed
        ? streamedText(
            await collect(current().provider.stream({ ...body, stream: true }, context())),
          )
        : (await current().provider.chat(body, context())).choices[0].message.content;
      const parsed = JSON.parse(text ?? '') as Record<string, unknown>;
      expect(typeof parsed.city).toBe('string');
      expect(typeof parsed.sunny).toBe('boolean');
    },
  );

  it.each([false, true])(
    'answers json_object with a JSON object (streamed: %s)',
    async (streamed) => {
      const body = request([ask], { response_format: { type: 'json_object' } });
      if (streamed) {
        const chunks = await collect(
          current().provider.stream({ ...body, stream: true }, context()),
        );
        expect(JSON.parse(streamedText(chunks))).toEqual(expect.any(Object));
        expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop')).toBe(true);
        return;
      }
      const completion = await current().provider.chat(body, context());
      expect(JSON.parse(completion.choices[0].message.content ?? '')).toEqual(expect.any(Object));
      expect(completion.choices[0].finish_reason).toBe('stop');
      expect(completion.choices[0].message.tool_calls).toBeUndefined();
    },
  );
}

export function describeUpstreamErrorMessages(current: () => ConformanceSubject): void {
  it.each([false, true])(
    'keeps the provider’s own message in an OpenAI-shaped error body (streamed: %s)',
    async (streamed) => {
      const { badRequest } = current();
      const error = await failureOf(current(), 'bad-request', streamed);
      expect(error).toMatchObject({ status: 400, retryable: false });
      expect(error.body).toEqual({
        message: badRequest.message,
        type: expect.any(String),
        param: badRequest.param ?? null,
        code: expect.any(String),
      });
    },
  );
}
