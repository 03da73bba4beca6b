import type { ChatCompletionChunk, ChatCompletionRequest } from '@app/contracts';
import { FakeGeminiServer } from '@app/testing';
import { GeminiProvider } from './gemini.provider';
import { toGeminiConversation } from './gemini-contents';
import { toGenerateContentParameters } from './gemini-request';
import { GEMINI_FINISH_REASONS, toFinishReason } from './gemini-response';
import { encodeToolCallId } from '../shared/tool-call-id-codec';
import { AbortSource } from '@app/http';

const base: ChatCompletionRequest = {
  model: 'gemini-test',
  messages: [{ role: 'user', content: 'hi' }],
};
const context = () => ({ abort: new AbortSource(), requestId: 'test' });

describe('gemini translation', () => {
  it('maps roles, lifts system messages and names function responses after their calls', () => {
    const conversation = toGeminiConversation([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'weather?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'c1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
    ]);
    expect(conversation.systemInstruction).toEqual({ parts: [{ text: 'be brief' }] });
    expect(conversation.contents).toEqual([
      { role: 'user', parts: [{ text: 'weather?' }] },
      {
        role: 'model',
        parts: [{ functionCall: { id: 'c1', name: 'get_weather', args: { city: 'Paris' } } }],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'c1', name: 'get_weather', response: { result: 'sunny' } } },
        ],
      },
    ]);
  });

  it('maps sampling and output fields into generation config', () => {
    const { config } = toGenerateContentParameters({
      ...base,
      max_tokens: 50,
      temperature: 0.3,
      top_p: 0.8,
      n: 2,
      seed: 7,
      stop: 'END',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'r', schema: { type: 'object' } },
      },
      tools: [{ type: 'function', function: { name: 'f' } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
    });
    expect(config).toMatchObject({
      maxOutputTokens: 50,
      temperature: 0.3,
      topP: 0.8,
      candidateCount: 2,
      seed: 7,
      stopSequences: ['END'],
      responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object' },
      tools: [{ functionDeclarations: [{ name: 'f' }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } },
    });
  });

  it('maps reasoning_effort to thinkingLevel on Gemini 3 and thinkingBudget on 2.5, with thoughts', () => {
    expect(
      toGenerateContentParameters({ ...base, model: 'gemini-3-pro', reasoning_effort: 'low' })
        .config?.thinkingConfig,
    ).toEqual({ thinkingLevel: 'LOW', includeThoughts: true });
    expect(
      toGenerateContentParameters({ ...base, model: 'gemini-2.5-flash', reasoning_effort: 'none' })
        .config?.thinkingConfig,
    ).toEqual({ thinkingBudget: 0, includeThoughts: false });
    expect(toGenerateContentParameters(base).config?.thinkingConfig).toBeUndefined();
  });

  it('restores each call’s thought signature, and stands in for lost ones in the current turn only', () => {
    const signed = encodeToolCallId('c1', { kind: 'gemini-thought-signature', signature: 'c2ln' });
    const call = (id: string) => ({
      role: 'assistant' as const,
      content: null,
      tool_calls: [{ id, type: 'function' as const, function: { name: 'f', arguments: '{}' } }],
    });
    const { contents } = toGeminiConversation(
      [
        { role: 'user', content: 'old question' },
        call('old'),
        { role: 'tool', tool_call_id: 'old', content: 'r' },
        { role: 'user', content: 'new question' },
        call(signed),
        { role: 'tool', tool_call_id: signed, content: 'r' },
        call('lost'),
        { role: 'tool', tool_call_id: 'lost', content: 'r' },
      ],
      { validatesThoughtSignatures: true },
    );
    const signatures = contents
      .filter((content) => content.role === 'model')
      .map((content) => content.parts![0].thoughtSignature);
    expect(signatures).toEqual([undefined, 'c2ln', 'skip_thought_signature_validator']);
    expect(
      contents.filter((content) => content.role === 'model')[1].parts![0].functionCall!.id,
    ).toBe('c1');
  });

  it('treats safety stops as content_filter and a STOP with function calls as tool_calls', () => {
    expect(GEMINI_FINISH_REASONS.SAFETY).toBe('content_filter');
    expect(toFinishReason('MAX_TOKENS', false)).toBe('length');
    expect(toFinishReason('STOP', true)).toBe('tool_calls');
    expect(toFinishReason('OTHER', false)).toBe('stop');
  });
});

describe('gemini provider against the fake', () => {
  let subject: { fake: FakeGeminiServer; provider: GeminiProvider };
  beforeAll(async () => {
    const fake = await FakeGeminiServer.start();
    const config = {
      id: 'gemini',
      type: 'gemini' as const,
      baseUrl: fake.baseUrl,
      apiKey: 'k',
      defaultModel: 'gemini-test',
      models: [],
      aliases: [],
      headers: {},
      options: {},
    };
    subject = { fake, provider: new GeminiProvider(config, { timeoutMs: 5000 }) };
  });
  afterAll(() => subject.fake.stop());

  it('answers a blocked prompt with a content_filter choice, streaming or not', async () => {
    subject.fake.enqueue('safety-block', 'safety-block');
    const completion = await subject.provider.chat(base, context());
    expect(completion.choices[0].finish_reason).toBe('content_filter');
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of subject.provider.stream({ ...base, stream: true }, context()))
      chunks.push(chunk);
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'content_filter')).toBe(true);
  });

  it('returns one choice per candidate when n > 1', async () => {
    const completion = await subject.provider.chat({ ...base, n: 2 }, context());
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1]);
  });

  it('embeds a batch of strings through batchEmbedContents', async () => {
    const result = await subject.provider.embed(
      { model: 'embedding-test', input: ['a', 'b'] },
      context(),
    );
    expect(result.vectors).toHaveLength(2);
    expect(result.vectors[0]).toHaveLength(8);
    expect(
      subject.fake.http.requests.some((request) => request.path.includes(':batchEmbedContents')),
    ).toBe(true);
  });

  it('rejects fields Gemini cannot honour with a 400 naming them', () => {
    for (const field of ['logprobs', 'logit_bias', 'audio', 'brand_new_field']) {
      expect(() => subject.provider.assertSupported({ ...base, [field]: true })).toThrow(
        expect.objectContaining({ status: 400, param: field }),
      );
    }
    expect(() => subject.provider.assertSupported({ ...base, parallel_tool_calls: false })).toThrow(
      expect.objectContaining({ param: 'parallel_tool_calls' }),
    );
    expect(() =>
      subject.provider.assertSupported({
        ...base,
        n: 3,
        seed: 1,
        presence_penalty: 0.5,
        user: 'u',
      }),
    ).not.toThrow();
  });
});
