import { FakeOpenAIServer } from '@app/testing';
import { startGateway, type RunningGateway } from './support/gateway-harness';

describe('OpenAI-compatible API through the official openai SDK', () => {
  let upstream: FakeOpenAIServer;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await FakeOpenAIServer.start({ embeddingDimensions: 8 });
    gateway = await startGateway({
      OPENAI_BASE_URL: upstream.baseUrl,
      OPENAI_API_KEY: 'sk-upstream-secret',
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.stop();
  });

  it('answers a non-streaming chat completion and says who answered', async () => {
    const { data, response } = await gateway.client.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi' }],
        temperature: 0.2,
        max_tokens: 20,
        seed: 7,
        user: 'u1',
      })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0].message.content).toBe('Hello from the fake upstream');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    expect(response.headers.get('x-gateway-model')).toBe('gpt-4o-mini');
    expect(response.headers.get('x-gateway-attempts')).toBe('1');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const sent = upstream.chatRequests.at(-1)!;
    expect(sent.body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      max_tokens: 20,
      seed: 7,
      user: 'u1',
    });
    expect(sent.headers.authorization).toBe('Bearer sk-upstream-secret');
  });

  it('passes tools through and returns tool calls', async () => {
    const completion = await gateway.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object', properties: {} } },
        },
      ],
      tool_choice: 'auto',
      response_format: { type: 'text' },
    });
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather' },
    });
    expect(
      JSON.parse(
        (completion.choices[0].message.tool_calls![0] as { function: { arguments: string } })
          .function.arguments,
      ),
    ).toEqual({ city: 'Paris' });
  });

  it('streams chat.completion.chunk events ending in [DONE]', async () => {
    const stream = await gateway.client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      'Hello from the fake upstream',
    );
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
    // The gateway asks upstream for usage, but the client did not: no usage chunk reaches it.
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    expect(upstream.chatRequests.at(-1)!.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('honours stream_options.include_usage with a final usage chunk', async () => {
    const stream = await gateway.client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.completion_tokens).toBe(5);
  });

  it('creates embeddings as floats', async () => {
    const result = await gateway.client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
      encoding_format: 'float',
    });
    expect(result.data).toHaveLength(2);
    expect(result.data[0].embedding).toHaveLength(8);
    expect(result.data[1].index).toBe(1);
  });

  it('creates embeddings as base64 (the SDK default) that decode to the same floats', async () => {
    const viaBase64 = await gateway.client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello',
    });
    const viaFloat = await gateway.client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello',
      encoding_format: 'float',
    });
    expect(viaBase64.data[0].embedding).toHaveLength(8);
    viaBase64.data[0].embedding.forEach((value, index) =>
      expect(value).toBeCloseTo(viaFloat.data[0].embedding[index], 5),
    );
    const raw = await fetch(`${gateway.baseUrl}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'text-embedding-3-small',
        input: 'hello',
        encoding_format: 'base64',
      }),
    }).then((response) => response.json() as Promise<any>);
    expect(typeof raw.data[0].embedding).toBe('string');
    expect(Buffer.from(raw.data[0].embedding, 'base64').byteLength).toBe(8 * 4);
  });

  it('lists every routable model', async () => {
    const ids = [];
    for await (const model of gateway.client.models.list()) ids.push(model.id);
    expect(ids).toEqual(
      expect.arrayContaining(['default', 'auto', 'gpt-4o-mini', 'text-embedding-3-small']),
    );
  });

  it('keeps the seeds simple API: /ai/query and /health', async () => {
    const query = await fetch(`${gateway.baseUrl}/ai/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'Hello?' }),
    });
    expect(query.status).toBe(200);
    expect(await query.json()).toMatchObject({
      response: 'Hello from the fake upstream',
      backend: 'cloud',
      provider: 'openai',
      state: 'closed',
    });
    const health = await fetch(`${gateway.baseUrl}/health`).then((response) => response.json());
    expect(health).toMatchObject({
      status: 'ok',
      cloud_available: true,
      circuit_state: 'closed',
      providers: { openai: { circuit_state: 'closed', available: true } },
    });
    expect(JSON.stringify(health)).not.toContain('sk-upstream-secret');
  });
});
