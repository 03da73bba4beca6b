/** @jest-environment ./libs/testing/src/jest/onnx-runtime-environment.ts */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestModels, FakeOpenAIServer } from '@app/testing';
import {
  postJson,
  startGateway,
  userMessage,
  type RunningGateway,
} from './support/gateway-harness';

/** JSON text nesting `{"a": …}` `depth` levels deep around `1`. */
function deeplyNested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A chat body as text with a 10,000-level JSON schema in `tools[0].function.parameters`. */
function deepToolsBody(depth = 10_000): string {
  return `{"model":"default","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${deeplyNested(depth)}}}]}`;
}

async function circuitOf(gateway: RunningGateway, provider: string): Promise<string> {
  const health = (await fetch(`${gateway.baseUrl}/health`).then((response) => response.json())) as {
    providers: Record<string, { circuit_state: string }>;
  };
  return health.providers[provider].circuit_state;
}

/**
 * Issue 11, defect 1: a client-caused failure never counts against a provider, and bodies past the
 * nesting and size limits are refused at validation with a 400 naming the field, before any cache
 * key, breaker or upstream sees them.
 */
describe('client faults: limits at validation, never a provider outage', () => {
  let primary: FakeOpenAIServer;
  let secondary: FakeOpenAIServer;
  let gateway: RunningGateway;

  beforeAll(async () => {
    primary = await FakeOpenAIServer.start({ reply: 'from primary' });
    secondary = await FakeOpenAIServer.start({ reply: 'from secondary' });
    gateway = await startGateway({
      OPENAI_BASE_URL: primary.baseUrl,
      OLLAMA_BASE_URL: secondary.baseUrl,
      PROVIDER_ORDER: 'openai,ollama',
      FAILURE_THRESHOLD: '3',
      RECOVERY_TIMEOUT: '60',
    });
  });
  afterAll(async () => {
    await gateway.close();
    await primary.stop();
    await secondary.stop();
  });

  const chat = (body: unknown) => postJson(`${gateway.baseUrl}/v1/chat/completions`, body);

  it('three requests nested 10,000 levels deep get a 400 naming the field and leave every circuit closed', async () => {
    for (let request = 0; request < 3; request += 1) {
      const response = await chat(deepToolsBody());
      expect(response.status).toBe(400);
      expect(response.json.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'nesting_too_deep',
      });
      expect(response.json.error.param).toMatch(/^tools\[0\]\.function\.parameters/);
    }
    expect(primary.chatRequests).toHaveLength(0);
    expect(await circuitOf(gateway, 'openai')).toBe('closed');
    expect(await circuitOf(gateway, 'ollama')).toBe('closed');
    const normal = await gateway.client.chat.completions
      .create({ model: 'default', messages: userMessage() })
      .withResponse();
    expect(normal.response.headers.get('x-gateway-provider')).toBe('openai');
  });

  it('accepts a tool schema nested at a realistic depth', async () => {
    const response = await chat(deepToolsBody(20));
    expect(response.status).toBe(200);
  });

  it('refuses more messages than the limit, naming messages', async () => {
    const messages = Array.from({ length: 2049 }, () => ({ role: 'user', content: 'x' }));
    const response = await chat({ model: 'default', messages });
    expect(response.status).toBe(400);
    expect(response.json.error.param).toBe('messages');
  });

  it('refuses a 10 KB model name with a 400 that does not echo it in full', async () => {
    const model = 'm'.repeat(10_000);
    const response = await chat({ model, messages: userMessage() });
    expect(response.status).toBe(400);
    expect(response.json.error.param).toBe('model');
    expect(response.text.length).toBeLessThan(1_000);
  });

  it('a 404 for an unknown long model name truncates it in the message', async () => {
    const model = `unknown-${'m'.repeat(200)}`;
    const response = await chat({ model, messages: userMessage() });
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('model_not_found');
    expect(response.json.error.message).not.toContain(model);
    expect(response.json.error.message).toContain('unknown-mmmm');
  });

  it('refuses metadata past OpenAI’s limits, naming the field', async () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v']),
    );
    const response = await chat({ model: 'default', messages: userMessage(), metadata });
    expect(response.status).toBe(400);
    expect(response.json.error.param).toBe('metadata');
  });

  it('refuses embeddings input arrays past the limit, naming input', async () => {
    const response = await postJson(`${gateway.baseUrl}/v1/embeddings`, {
      model: 'text-embedding-3-small',
      input: Array.from({ length: 2049 }, () => 'x'),
    });
    expect(response.status).toBe(400);
    expect(response.json.error.param).toBe('input');
  });

  it('refuses deep nesting on every JSON endpoint (embeddings too), not only chat', async () => {
    const embeddings = await postJson(
      `${gateway.baseUrl}/v1/embeddings`,
      `{"model":"text-embedding-3-small","input":"x","user":${deeplyNested(5_000)}}`,
    );
    expect(embeddings.status).toBe(400);
    expect(embeddings.json.error.code).toBe('nesting_too_deep');
  });
});

describe('client faults with the response cache on', () => {
  let upstream: FakeOpenAIServer;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await FakeOpenAIServer.start();
    gateway = await startGateway({ OPENAI_BASE_URL: upstream.baseUrl, CACHE_ENABLED: 'true' });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.stop();
  });

  it('a body nested 10,000 levels deep is a 400, not a 500 from the cache key', async () => {
    const response = await postJson(`${gateway.baseUrl}/v1/chat/completions`, deepToolsBody());
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('nesting_too_deep');
  });
});

describe('client faults on the RAG endpoints', () => {
  let gateway: RunningGateway;
  let dataDir: string;

  beforeAll(async () => {
    const models = ensureTestModels();
    dataDir = mkdtempSync(join(tmpdir(), 'rag-faults-'));
    gateway = await startGateway({
      WORKER_EMBEDDING_BACKEND: 'transformers',
      WORKER_MODELS_DIR: models.embeddingModelsDir,
      WORKER_EMBEDDING_MODEL: models.embeddingModelId,
      WORKER_DATA_DIR: dataDir,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('deeply nested document metadata is a 400 naming it, not a 500', async () => {
    const response = await postJson(
      `${gateway.baseUrl}/v1/rag/index`,
      `{"collection":"deep","documents":[{"content":"hello","metadata":${deeplyNested(10_000)}}]}`,
    );
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('nesting_too_deep');
    expect(response.json.error.param).toMatch(/^documents\[0\]\.metadata/);
  });
});
