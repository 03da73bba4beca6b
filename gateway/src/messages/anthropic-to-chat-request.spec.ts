import {
  anthropicCountTokensRequestSchema,
  anthropicMessagesRequestSchema,
  anthropicRequestOf,
  type AnthropicMessagesRequest,
} from '@app/contracts';
import { ANTHROPIC_REQUEST_FIELDS } from './anthropic-request-fields';
import { passthroughHeadersOf, toChatCompletionRequest } from './anthropic-to-chat-request';

const PNG = 'iVBORw0KGgo=';

/** Parses like the controller does, so each case is a body a client may really send. */
function translate(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const parsed = anthropicMessagesRequestSchema.parse({
    model: 'claude-sonnet-4-6',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'Hi' }],
    ...body,
  }) as AnthropicMessagesRequest;
  const request = toChatCompletionRequest(parsed, headers);
  return { request, untranslatable: anthropicRequestOf(request)!.untranslatable, parsed };
}

describe('Anthropic Messages request → internal chat request', () => {
  it('carries the validated body and the anthropic-* headers for Anthropic targets, under a Symbol key', () => {
    const { request, parsed } = translate({}, { 'anthropic-version': '2023-06-01' });
    const attachment = anthropicRequestOf(request)!;
    expect(attachment.body).toBe(parsed);
    expect(attachment.headers).toEqual({ 'anthropic-version': '2023-06-01' });
    expect(Object.keys(request)).toEqual(['model', 'messages', 'max_tokens']);
    expect(JSON.parse(JSON.stringify(request))).toEqual({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    // Object spread (the router's `{...request, model}`) keeps the attachment.
    expect(anthropicRequestOf({ ...request, model: 'other' })).toBe(attachment);
  });

  it('keeps only anthropic-version and anthropic-beta of the client headers', () => {
    expect(
      passthroughHeadersOf({
        'anthropic-version': '2023-06-01',
        'anthropic-beta': ['a', 'b'],
        'x-api-key': 'gw-sk-secret',
        authorization: 'Bearer gw-sk-secret',
      }),
    ).toEqual({ 'anthropic-version': '2023-06-01', 'anthropic-beta': 'a,b' });
  });

  it('translates the sampling and bookkeeping fields', () => {
    const { request, untranslatable } = translate({
      stream: true,
      temperature: 0.3,
      top_p: 0.9,
      stop_sequences: ['END', 'STOP'],
      metadata: { user_id: 'user-1' },
      service_tier: 'auto',
      cache_control: { type: 'ephemeral' },
    });
    expect(request).toMatchObject({
      stream: true,
      temperature: 0.3,
      top_p: 0.9,
      stop: ['END', 'STOP'],
      user: 'user-1',
    });
    // Hints: dropped, and nothing Anthropic-only.
    expect(untranslatable).toEqual([]);
  });

  it('joins system text blocks into one system message', () => {
    const { request } = translate({
      system: [
        { type: 'text', text: 'First.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Second.' },
      ],
    });
    expect(request.messages[0]).toEqual({ role: 'system', content: 'First.\n\nSecond.' });
  });

  it('turns images, PDF and text documents into OpenAI content parts', () => {
    const { request, untranslatable } = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
            {
              type: 'document',
              title: 'report.pdf',
              source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
            },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Memo.' } },
            { type: 'text', text: 'Compare them.' },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          {
            type: 'file',
            file: { filename: 'report.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' },
          },
          { type: 'text', text: 'Memo.' },
          { type: 'text', text: 'Compare them.' },
        ],
      },
    ]);
    expect(untranslatable).toEqual([]);
  });

  it('turns tool_use into tool_calls and tool_result into tool messages before the turn’s other parts', () => {
    const { request } = translate({
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Hmm.', signature: 'sig' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              is_error: true,
              content: [
                { type: 'text', text: 'Map:' },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
              ],
            },
            { type: 'text', text: 'Which is warmer?' },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          {
            id: 'toolu_1',
            type: 'function',
            function: { name: 'weather', arguments: '{"city":"Paris"}' },
          },
          {
            id: 'toolu_2',
            type: 'function',
            function: { name: 'weather', arguments: '{"city":"Rome"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'Map:' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: 'text', text: 'Which is warmer?' },
        ],
      },
    ]);
  });

  it('translates custom tools and every tool_choice', () => {
    const tool = {
      name: 'weather',
      description: 'Weather',
      input_schema: { type: 'object', properties: { city: { type: 'string' } } },
      cache_control: { type: 'ephemeral' },
    };
    const choices: [unknown, unknown][] = [
      [{ type: 'auto' }, 'auto'],
      [{ type: 'any' }, 'required'],
      [
        { type: 'tool', name: 'weather' },
        { type: 'function', function: { name: 'weather' } },
      ],
      [{ type: 'none' }, 'none'],
    ];
    for (const [choice, expected] of choices) {
      const { request } = translate({ tools: [tool], tool_choice: choice });
      expect(request.tool_choice).toEqual(expected);
      expect(request.tools).toEqual([
        {
          type: 'function',
          function: { name: 'weather', description: 'Weather', parameters: tool.input_schema },
        },
      ]);
    }
    const { request } = translate({
      tools: [tool],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    });
    expect(request.parallel_tool_calls).toBe(false);
  });

  it('maps thinking budgets and effort to reasoning_effort', () => {
    const effort = (body: Record<string, unknown>) => translate(body).request.reasoning_effort;
    expect(effort({ thinking: { type: 'enabled', budget_tokens: 1024 } })).toBe('low');
    expect(effort({ thinking: { type: 'enabled', budget_tokens: 8192 } })).toBe('medium');
    expect(effort({ thinking: { type: 'enabled', budget_tokens: 32000 } })).toBe('high');
    expect(effort({ thinking: { type: 'adaptive' } })).toBe('medium');
    expect(effort({ thinking: { type: 'adaptive' }, output_config: { effort: 'max' } })).toBe(
      'xhigh',
    );
    expect(effort({ thinking: { type: 'disabled' } })).toBeUndefined();
    // Effort without thinking tunes Claude's spend only: a hint.
    expect(effort({ output_config: { effort: 'low' } })).toBeUndefined();
  });

  it('maps an output format to a strict json_schema response_format', () => {
    const schema = { type: 'object', properties: {}, additionalProperties: false };
    const { request } = translate({ output_config: { format: { type: 'json_schema', schema } } });
    expect(request.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema, strict: true },
    });
  });

  it('lists what only Anthropic can honour, named as the client wrote it', () => {
    const { untranslatable } = translate({
      top_k: 10,
      mcp_servers: [{ type: 'url', url: 'https://mcp.example', name: 'x' }],
      thinking: { type: 'between_tools' },
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      output_config: { task_budget: { type: 'tokens', total: 10 } },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } },
            { type: 'image', source: { type: 'file', file_id: 'file_1' } },
            {
              type: 'search_result',
              source: 's',
              title: 't',
              content: [{ type: 'text', text: 'x' }],
            },
          ],
        },
        {
          role: 'assistant',
          content: [{ type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} }],
        },
      ],
    });
    expect(untranslatable).toEqual(
      expect.arrayContaining([
        'top_k',
        'mcp_servers',
        'thinking.type=between_tools',
        'tools[].type=web_search_20250305',
        'output_config.task_budget',
        'document.source.type=url',
        'image.source.type=file',
        'messages[].content[].type=search_result',
        'messages[].content[].type=server_tool_use',
        'messages[-1] (assistant prefill)',
      ]),
    );
  });

  it('has a rule for every top-level field of both request schemas', () => {
    const fields = new Set([
      ...Object.keys(anthropicMessagesRequestSchema.shape),
      ...Object.keys(anthropicCountTokensRequestSchema.shape),
    ]);
    expect([...fields].filter((field) => !ANTHROPIC_REQUEST_FIELDS[field])).toEqual([]);
    expect(Object.keys(ANTHROPIC_REQUEST_FIELDS).filter((field) => !fields.has(field))).toEqual([]);
  });
});
