import { FakeOpenAIServer } from '@app/testing';
import {
  postJson,
  startGateway,
  userMessage,
  type RunningGateway,
} from './support/gateway-harness';

function expectOpenAIError(json: Record<string, any>, param?: string | null) {
  expect(Object.keys(json)).toEqual(['error']);
  expect(typeof json.error.message).toBe('string');
  expect(typeof json.error.type).toBe('string');
  expect(json.error).toHaveProperty('param');
  expect(json.error).toHaveProperty('code');
  if (param !== undefined) expect(json.error.param).toBe(param);
  expect(JSON.stringify(json)).not.toMatch(/at .*\.(js|ts):\d+/);
}

describe('bad input gets a clear OpenAI-shaped error and never reaches a provider', () => {
  let upstream: FakeOpenAIServer;
  let gateway: RunningGateway;
  let url: string;

  beforeAll(async () => {
    upstream = await FakeOpenAIServer.start();
    gateway = await startGateway({ OPENAI_BASE_URL: upstream.baseUrl, MAX_BODY_BYTES: '2048' });
    url = `${gateway.baseUrl}/v1/chat/completions`;
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.stop();
  });
  afterEach(() => expect(upstream.chatRequests).toHaveLength(0));

  it('rejects invalid JSON with 400 invalid_json', async () => {
    const response = await postJson(url, '{"model": "gpt-4o-mini", "messages": [');
    expect(response.status).toBe(400);
    expectOpenAIError(response.json, null);
    expect(response.json.error.code).toBe('invalid_json');
  });

  it('rejects a body that is not an object', async () => {
    const response = await postJson(url, '[1,2,3]');
    expect(response.status).toBe(400);
    expectOpenAIError(response.json);
  });

  it('rejects missing messages, naming the parameter', async () => {
    const response = await postJson(url, { model: 'gpt-4o-mini' });
    expect(response.status).toBe(400);
    expectOpenAIError(response.json, 'messages');
  });

  it('rejects empty messages', async () => {
    const response = await postJson(url, { model: 'gpt-4o-mini', messages: [] });
    expect(response.status).toBe(400);
    expectOpenAIError(response.json, 'messages');
  });

  it('rejects wrong types, naming the parameter', async () => {
    const temperature = await postJson(url, {
      model: 'gpt-4o-mini',
      messages: userMessage(),
      temperature: 'hot',
    });
    expect(temperature.status).toBe(400);
    expectOpenAIError(temperature.json, 'temperature');
    const model = await postJson(url, { model: 42, messages: userMessage() });
    expect(model.status).toBe(400);
    expectOpenAIError(model.json, 'model');
    const content = await postJson(url, {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 5 }],
    });
    expect(content.status).toBe(400);
    expectOpenAIError(content.json, 'messages[0].content');
  });

  it('rejects unknown roles', async () => {
    const response = await postJson(url, {
      model: 'gpt-4o-mini',
      messages: [{ role: 'wizard', content: 'hi' }],
    });
    expect(response.status).toBe(400);
    expectOpenAIError(response.json, 'messages[0].role');
  });

  it('rejects unknown fields of a message, naming them (top-level ones go to the upstream)', async () => {
    const response = await postJson(url, {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi', colour: 'blue' }],
    });
    expect(response.status).toBe(400);
    expectOpenAIError(response.json, 'messages[0].colour');
    expect(response.json.error.code).toBe('unknown_parameter');
  });

  it('rejects bodies over MAX_BODY_BYTES with 413', async () => {
    const response = await postJson(url, {
      model: 'gpt-4o-mini',
      messages: userMessage('x'.repeat(4096)),
    });
    expect(response.status).toBe(413);
    expectOpenAIError(response.json);
    expect(response.json.error.code).toBe('request_too_large');
  });

  it('answers 404 model_not_found for a model no route serves', async () => {
    const response = await postJson(url, { model: 'no-such-model', messages: userMessage() });
    expect(response.status).toBe(404);
    expectOpenAIError(response.json, 'model');
    expect(response.json.error.code).toBe('model_not_found');
  });

  it('answers 400 for an unknown pinned provider', async () => {
    const response = await postJson(url, {
      model: 'gpt-4o-mini',
      provider: 'nope',
      messages: userMessage(),
    });
    expect(response.status).toBe(400);
    expectOpenAIError(response.json, 'provider');
  });

  it('validates embeddings bodies too', async () => {
    const response = await postJson(`${gateway.baseUrl}/v1/embeddings`, {
      model: 'text-embedding-3-small',
      input: 5,
    });
    expect(response.status).toBe(400);
    expectOpenAIError(response.json, 'input');
    const format = await postJson(`${gateway.baseUrl}/v1/embeddings`, {
      model: 'text-embedding-3-small',
      input: 'a',
      encoding_format: 'int8',
    });
    expect(format.status).toBe(400);
    expectOpenAIError(format.json, 'encoding_format');
  });

  it('answers unknown routes with a 404 in the same shape', async () => {
    const response = await fetch(`${gateway.baseUrl}/v1/nothing-here`);
    expect(response.status).toBe(404);
    expectOpenAIError((await response.json()) as Record<string, any>);
  });
});
