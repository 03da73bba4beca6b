/** @jest-environment ./libs/testing/src/jest/onnx-runtime-environment.ts */
import { ensureTestModels, FakeOpenAIServer, type TestModelPaths } from '@app/testing';
import { anthropicClient, TINY_PNG_BASE64, WEATHER_TOOL } from './support/anthropic-client';
import { startGateway, type RunningGateway } from './support/gateway-harness';

// Embedded topology: no REDIS_URL, so the local tier runs the models inside the gateway process.
// Random weights write nonsense: assert protocol and counts, never words.
// The harness turns the response cache off, so one prompt serves every call. A fixed prompt with
// greedy decoding gives the same answer every run ("Say hello" runs to max_tokens, 8 tokens): a
// random prompt, or sampling, sometimes drew the end-of-sequence token first and answered with 0
// output tokens (one CI run failed so on the Anthropic stream below).
const PROMPT = 'Say hello';
const chatBody = () => ({
  model: 'local-llm',
  messages: [{ role: 'user' as const, content: PROMPT }],
  temperature: 0,
  max_tokens: 8,
});

describe('local tier in-process (embedded mode, no Redis)', () => {
  let models: TestModelPaths;
  let cloud: FakeOpenAIServer;
  let gateway: RunningGateway;

  beforeAll(async () => {
    models = ensureTestModels();
    cloud = await FakeOpenAIServer.start({ reply: 'from the cloud' });
    gateway = await startGateway({
      LOCAL_ENABLED: 'true',
      WORKER_LLM_MODEL_PATH: models.chatModelPath,
      WORKER_LLM_THREADS: '1',
      WORKER_LLM_CONTEXT_SIZE: '1024',
      WORKER_LLM_SYSTEM_PROMPT: 'Be brief.',
      WORKER_MODELS_DIR: models.embeddingModelsDir,
      WORKER_EMBEDDING_MODEL: models.embeddingModelId,
      OPENAI_BASE_URL: cloud.baseUrl,
      OPENAI_API_KEY: 'sk-test',
      PROVIDER_ORDER: 'openai,local',
      MAX_RETRIES: '0',
      // The first local request loads the model.
      FIRST_BYTE_TIMEOUT_MS: '20000',
      REQUEST_TIMEOUT_MS: '30000',
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await cloud?.stop();
  });

  afterEach(() => {
    cloud.behaviour = 'ok';
  });

  it('answers a chat completion from the in-process model, loading it on first use', async () => {
    const { data, response } = await gateway.client.chat.completions
      .create(chatBody())
      .withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('local');
    expect(data.object).toBe('chat.completion');
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(data.usage!.completion_tokens).toBeLessThanOrEqual(8);
  });

  it('streams from the in-process model, ending with usage when asked', async () => {
    const stream = await gateway.client.chat.completions.create({
      ...chatBody(),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.at(-1)!.usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('embeds with the in-process ONNX model', async () => {
    const { data, response } = await gateway.client.embeddings
      .create({ model: 'local-embeddings', input: ['first text', 'second text'] })
      .withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('local');
    expect(data.data.map(({ embedding }) => embedding.length)).toEqual([
      models.embeddingDimensions,
      models.embeddingDimensions,
    ]);
    expect(Math.hypot(...data.data[0].embedding)).toBeCloseTo(1, 4);
  });

  it('falls back to the local tier when the cloud is down', async () => {
    cloud.behaviour = 'error-500';
    const { response } = await gateway.client.chat.completions
      .create({ ...chatBody(), model: 'default' })
      .withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('local');
  });

  it('rejects fields llama.cpp cannot honour when pinned to the local tier, naming the field', async () => {
    const cloudCalls = cloud.chatRequests.length;
    const request = gateway.client.chat.completions.create({
      ...chatBody(),
      logprobs: true,
      provider: 'local-worker',
    } as never);
    await expect(request).rejects.toMatchObject({
      status: 400,
      param: 'logprobs',
      code: 'unsupported_parameter',
    });
    expect(cloud.chatRequests).toHaveLength(cloudCalls);
  });

  it('routes a field the local tier cannot honour to a provider that can, never dropping it', async () => {
    const { data, response } = await gateway.client.chat.completions
      .create({ ...chatBody(), model: 'local-llm', logprobs: true })
      .withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    expect(data.choices[0].message.content).toBe('from the cloud');
    expect(cloud.chatRequests.at(-1)!.body).toMatchObject({ logprobs: true });
  });

  it('reports the local queue in /health/ready and /health/detailed', async () => {
    const ready = await fetch(`${gateway.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).details.queue).toMatchObject({
      status: 'up',
      configured: true,
      mode: 'in-process',
      depth: 0,
    });
    const detailed = (await fetch(`${gateway.baseUrl}/health/detailed`).then((response) =>
      response.json(),
    )) as any;
    expect(detailed.queue).toMatchObject({ status: 'up', configured: true, depth: 0 });
  });

  describe('through the Anthropic Messages API (the Anthropic SDK as the client)', () => {
    const messageBody = (model = 'local-llm') => ({
      model,
      max_tokens: 8,
      temperature: 0,
      messages: [{ role: 'user' as const, content: PROMPT }],
    });

    it('creates a message from the in-process model', async () => {
      const { data, response } = await anthropicClient(gateway)
        .messages.create(messageBody())
        .withResponse();
      expect(response.headers.get('x-gateway-provider')).toBe('local');
      expect(data).toMatchObject({ type: 'message', role: 'assistant' });
      expect(data.content.every((block) => block.type === 'text')).toBe(true);
      expect(['end_turn', 'max_tokens']).toContain(data.stop_reason);
      expect(data.usage.output_tokens).toBeGreaterThan(0);
      expect(data.usage.output_tokens).toBeLessThanOrEqual(8);
    });

    it('streams Anthropic events from the in-process model; finalMessage() carries usage', async () => {
      const stream = anthropicClient(gateway).messages.stream(messageBody());
      const types: string[] = [];
      stream.on('streamEvent', (event) => types.push(event.type));
      const message = await stream.finalMessage();
      expect(types[0]).toBe('message_start');
      expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
      expect(message.usage.output_tokens).toBeGreaterThan(0);
      expect(message.usage.output_tokens).toBeLessThanOrEqual(8);
    });

    it('estimates count_tokens (no Anthropic to count)', async () => {
      const { data, response } = await anthropicClient(gateway)
        .messages.countTokens({
          model: 'local-llm',
          messages: [{ role: 'user', content: 'abcd'.repeat(10) }],
        })
        .withResponse();
      expect(response.headers.get('x-gateway-token-count')).toBe('estimate');
      expect(data.input_tokens).toBe(13);
    });

    it('serves tool use on the local engine (its tool-call grammar) as Anthropic tool_use blocks', async () => {
      const client = anthropicClient(gateway);
      // A random-weight model picks text or a call at random unless asked for a call (`any`),
      // and an enum keeps its constrained arguments short.
      const tool = {
        ...WEATHER_TOOL,
        input_schema: {
          type: 'object' as const,
          properties: { city: { type: 'string', enum: ['Paris', 'Rome'] } },
          required: ['city'],
          additionalProperties: false,
        },
      };
      const routed = await client.messages
        .create({
          ...messageBody('local/local-llm'),
          // Greedy (messageBody's temperature 0): sampled, a random-weight model sometimes
          // reached max_tokens before closing the call.
          max_tokens: 128,
          tools: [tool],
          tool_choice: { type: 'any' },
        })
        .withResponse();
      expect(routed.response.headers.get('x-gateway-provider')).toBe('local');
      expect(routed.data.stop_reason).toBe('tool_use');
      const call = routed.data.content.find((block) => block.type === 'tool_use');
      expect(call).toMatchObject({ type: 'tool_use', name: WEATHER_TOOL.name });
      expect(['Paris', 'Rome']).toContain((call as { input: { city: string } }).input.city);
    });

    it('answers an image block for the text-only local model with an Anthropic-shaped 400', async () => {
      await expect(
        anthropicClient(gateway).messages.create({
          ...messageBody('local/local-llm'),
          messages: [
            {
              role: 'user',
              content: [
                {
                  type: 'image',
                  source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 },
                },
                { type: 'text', text: 'What is this?' },
              ],
            },
          ],
        }),
      ).rejects.toMatchObject({
        status: 400,
        error: { type: 'error', error: { type: 'invalid_request_error' } },
      });
    });
  });
});
