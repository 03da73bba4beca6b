import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeOllamaServer, FakeOpenAIServer } from '@app/testing';
import {
  postJson,
  startGateway,
  temporaryDataDir,
  type RunningGateway,
} from './support/gateway-harness';

const ask = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'hi' }] });

async function modelIds(gateway: RunningGateway): Promise<string[]> {
  const ids: string[] = [];
  for await (const model of gateway.client.models.list()) ids.push(model.id);
  return ids;
}

describe('model discovery: OpenAI-compatible and Ollama upstreams route what they list', () => {
  let ollama: FakeOllamaServer;
  let gateway: RunningGateway | undefined;

  beforeEach(async () => {
    ollama = await FakeOllamaServer.start({ reply: 'from ollama', models: ['llama3:8b'] });
  });
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    await ollama.stop();
  });

  it("serves seed 003's quick start: llama3:8b to a gateway in front of Ollama", async () => {
    gateway = await startGateway({ OLLAMA_BASE_URL: ollama.baseUrl });
    const { data, response } = await gateway.client.chat.completions
      .create(ask('llama3:8b'))
      .withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('ollama');
    expect(response.headers.get('x-gateway-model')).toBe('llama3:8b');
    expect(data.choices[0].message.content).toBe('from ollama');
    expect(ollama.openai.chatRequests.at(-1)!.body).toMatchObject({ model: 'llama3:8b' });
    expect(await modelIds(gateway)).toEqual(expect.arrayContaining(['llama3:8b', 'llama3.2']));
    const model = await gateway.client.models.retrieve('llama3:8b');
    expect(model.owned_by).toBe('ollama');
  });

  it("reads Ollama's own /api/tags where its OpenAI model list does not answer", async () => {
    await ollama.stop();
    ollama = await FakeOllamaServer.start({ models: ['qwen2.5:0.5b'], openAIModelList: false });
    gateway = await startGateway({ OLLAMA_BASE_URL: ollama.baseUrl });
    expect(ollama.modelListRequests.map((request) => request.path)).toEqual([
      '/v1/models',
      '/api/tags',
    ]);
    const response = await postJson(`${gateway.baseUrl}/v1/chat/completions`, ask('qwen2.5:0.5b'));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-gateway-model')).toBe('qwen2.5:0.5b');
  });

  it('picks up a model pulled after boot within MODEL_REFRESH_SECONDS', async () => {
    gateway = await startGateway({ OLLAMA_BASE_URL: ollama.baseUrl, MODEL_REFRESH_SECONDS: '1' });
    const before = await postJson(`${gateway.baseUrl}/v1/chat/completions`, ask('mistral:7b'));
    expect(before.status).toBe(404);
    ollama.models = ['llama3:8b', 'mistral:7b'];
    const deadline = Date.now() + 10_000;
    let after = before;
    while (after.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await postJson(`${gateway.baseUrl}/v1/chat/completions`, ask('mistral:7b'));
    }
    expect(after.status).toBe(200);
    expect(after.headers.get('x-gateway-provider')).toBe('ollama');
  });

  it('boots within the discovery timeout when a model list never answers, serving configured models', async () => {
    const blackHole = await FakeOpenAIServer.start({ reply: 'from openai', modelList: 'hang' });
    const started = Date.now();
    try {
      gateway = await startGateway({
        OPENAI_BASE_URL: blackHole.baseUrl,
        OLLAMA_BASE_URL: ollama.baseUrl,
        MODEL_DISCOVERY_TIMEOUT_MS: '500',
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(Date.now() - started).toBeLessThan(5_000);
      const configured = await gateway.client.chat.completions.create(ask('gpt-4o-mini'));
      expect(configured.choices[0].message.content).toBe('from openai');
      // The healthy upstream's list was read meanwhile.
      expect(await modelIds(gateway)).toContain('llama3:8b');
    } finally {
      await gateway?.close();
      gateway = undefined;
      await blackHole.stop();
    }
  });

  it('keeps serving the configured models of a provider whose list fails', async () => {
    await ollama.stop();
    ollama = await FakeOllamaServer.start({ reply: 'from ollama', modelList: 'error-500' });
    gateway = await startGateway({ OLLAMA_BASE_URL: ollama.baseUrl, LOCAL_MODEL: 'llama3.2' });
    expect(await modelIds(gateway)).not.toContain('llama3:8b');
    const response = await gateway.client.chat.completions.create(ask('llama3.2'));
    expect(response.choices[0].message.content).toBe('from ollama');
  });

  it('lets a YAML route name provider/*: the requested model on that provider', async () => {
    const cloud = await FakeOpenAIServer.start({ reply: 'from cloud', models: ['cloud-only'] });
    const dataDir = temporaryDataDir('discovery');
    const file = join(dataDir, 'gateway.yaml');
    writeFileSync(
      file,
      [
        'providers:',
        '  gpu-box:',
        '    type: ollama',
        `    base_url: ${ollama.baseUrl}`,
        '    models: [fallback-model]',
        '  cloud:',
        '    type: openai-compatible',
        `    base_url: ${cloud.baseUrl}`,
        '    models: [cloud-default]',
        'routes:',
        "  '*': [gpu-box/*, cloud]",
        'default_route: [cloud, gpu-box]',
      ].join('\n'),
    );
    try {
      gateway = await startGateway({ GATEWAY_CONFIG: file, DATA_DIR: dataDir });
      // Listed by gpu-box: its route. Listed by nobody: the `*` route, gpu-box's default first.
      const listed = await postJson(`${gateway.baseUrl}/v1/chat/completions`, ask('llama3:8b'));
      expect(listed.headers.get('x-gateway-provider')).toBe('gpu-box');
      expect(listed.headers.get('x-gateway-model')).toBe('llama3:8b');
      const unknown = await postJson(`${gateway.baseUrl}/v1/chat/completions`, ask('mystery'));
      expect(unknown.status).toBe(200);
      expect(unknown.headers.get('x-gateway-model')).toBe('fallback-model');
      const cloudModel = await postJson(
        `${gateway.baseUrl}/v1/chat/completions`,
        ask('cloud-only'),
      );
      expect(cloudModel.headers.get('x-gateway-provider')).toBe('cloud');
    } finally {
      await gateway?.close();
      gateway = undefined;
      await cloud.stop();
    }
  });
});
