import { randomUUID } from 'node:crypto';
import { ensureTestModels, FakeOpenAIServer, type TestModelPaths } from '@app/testing';
import {
  postJson,
  startGateway,
  type RunningGateway,
} from '../../gateway/test/support/gateway-harness';
import { deleteKeysWithPrefix, TEST_REDIS_URL } from '@app/testing/redis/delete-keys-with-prefix';
import { waitFor, WorkerProcess } from '@app/testing/processes/worker-process';

// Random weights write nonsense: assert protocol, counts and timing, never words.
const messages = [{ role: 'user' as const, content: 'Say hello' }];
const chatBody = { model: 'local-llm', messages, temperature: 0, max_tokens: 8 };
const queuePrefix = `test-local-${randomUUID().slice(0, 8)}`;

function workerEnv(models: TestModelPaths): Record<string, string> {
  return {
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: 'info',
    WORKER_LLM_MODEL_PATH: models.chatModelPath,
    WORKER_LLM_THREADS: '1',
    WORKER_LLM_CONCURRENCY: '1',
    WORKER_LLM_CONTEXT_SIZE: '2048',
    WORKER_LLM_SYSTEM_PROMPT: 'Be brief.',
    WORKER_MODELS_DIR: models.embeddingModelsDir,
    WORKER_EMBEDDING_MODEL: models.embeddingModelId,
    WORKER_PRELOAD: 'true',
    // A killed worker's job goes to another worker within ~3 s instead of ~60 s.
    WORKER_LOCK_DURATION_MS: '2000',
    WORKER_STALLED_INTERVAL_MS: '1000',
    WORKER_JOB_ATTEMPTS: '2',
  };
}

describe('local tier over BullMQ: gateway in-process, worker as a separate process', () => {
  let models: TestModelPaths;
  let cloud: FakeOpenAIServer;
  let gateway: RunningGateway;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    models = ensureTestModels();
    cloud = await FakeOpenAIServer.start({ reply: 'from the cloud' });
    const [first, second] = await Promise.all([
      WorkerProcess.start(workerEnv(models)),
      WorkerProcess.start(workerEnv(models)),
    ]);
    workers.push(first, second);
    gateway = await startGateway({
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      LOCAL_ENABLED: 'true',
      OPENAI_BASE_URL: cloud.baseUrl,
      OPENAI_API_KEY: 'sk-test',
      PROVIDER_ORDER: 'openai,local',
      MAX_RETRIES: '0',
      REQUEST_TIMEOUT_MS: '30000',
      FIRST_BYTE_TIMEOUT_MS: '20000',
      STREAM_IDLE_TIMEOUT_MS: '20000',
    });
  }, 45_000);

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(workers.map((worker) => worker.kill()));
    await cloud?.stop();
    await deleteKeysWithPrefix(queuePrefix);
  });

  afterEach(() => {
    cloud.behaviour = 'ok';
  });

  it('answers a chat completion from the worker through the openai SDK', async () => {
    const { data, response } = await gateway.client.chat.completions
      .create(chatBody)
      .withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('local');
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('local-llm');
    expect(data.choices[0].message.role).toBe('assistant');
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(data.usage!.completion_tokens).toBeLessThanOrEqual(8);
  });

  it('streams chunks from the worker in order, ending with usage when asked', async () => {
    const stream = await gateway.client.chat.completions.create({
      ...chatBody,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason);
    expect(['stop', 'length']).toContain(finish?.choices[0].finish_reason);
    const usage = chunks.at(-1)!.usage!;
    expect(usage.completion_tokens).toBeGreaterThan(0);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it('embeds with the worker ONNX model: one unit vector per input, of the model dimension', async () => {
    const { data, response } = await gateway.client.embeddings
      .create({ model: 'local-embeddings', input: ['first text', 'second text'] })
      .withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('local');
    expect(data.data).toHaveLength(2);
    for (const { embedding } of data.data) {
      expect(embedding).toHaveLength(models.embeddingDimensions);
      expect(Math.hypot(...embedding)).toBeCloseTo(1, 4);
    }
    expect(data.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('falls back to the local tier when the cloud is down', async () => {
    cloud.behaviour = 'error-500';
    const { data, response } = await gateway.client.chat.completions
      .create({ ...chatBody, model: 'default' })
      .withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('local');
    expect(data.choices[0].message.role).toBe('assistant');
  });

  it('answers 503 at once when the queue is full (the router falls back), and a job no worker takes times out cleanly', async () => {
    const idlePrefix = `${queuePrefix}-idle`;
    const lonely = await startGateway({
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: idlePrefix,
      LOCAL_ENABLED: 'true',
      OPENAI_BASE_URL: cloud.baseUrl,
      OPENAI_API_KEY: 'sk-test',
      PROVIDER_ORDER: 'local,openai',
      WORKER_MAX_QUEUE: '1',
      MAX_RETRIES: '0',
      REQUEST_TIMEOUT_MS: '1500',
    });
    try {
      // Unique prompts: a response cached by an earlier test must not answer these.
      const body = {
        ...chatBody,
        messages: [{ role: 'user' as const, content: `queue full ${randomUUID()}` }],
      };
      const started = Date.now();
      const stuck = postJson(`${lonely.baseUrl}/v1/chat/completions`, {
        ...body,
        provider: 'local',
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { response } = await lonely.client.chat.completions
        .create({ ...body, model: 'default' })
        .withResponse();
      expect(response.headers.get('x-gateway-provider')).toBe('openai');
      expect(Date.now() - started).toBeLessThan(1200);

      const timedOut = await stuck;
      expect(timedOut.status).toBe(502);
      expect(timedOut.json.error.attempts[0]).toMatchObject({
        provider: 'local',
        reason: 'timeout',
      });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await lonely.close();
      await deleteKeysWithPrefix(idlePrefix);
    }
  });

  it('cancels the generation on the worker when the client disconnects mid-stream', async () => {
    const cancelledSoFar = async () => {
      const details = await Promise.all(workers.map((worker) => worker.details()));
      return details.reduce(
        (sum, detail) => sum + (detail.jobs_by_outcome['chatStream:cancelled'] ?? 0),
        0,
      );
    };
    const before = await cancelledSoFar();
    const stream = await gateway.client.chat.completions.create({
      ...chatBody,
      max_tokens: 1500,
      stream: true,
    });
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content && ++received === 3) break; // leaving the loop aborts the request
    }
    await waitFor(
      async () => ((await cancelledSoFar()) > before ? true : undefined),
      5_000,
      'the worker to cancel the job',
    );
  });

  it('hands a job whose worker was killed mid-generation to the other worker', async () => {
    const longJob = { ...chatBody, max_tokens: 1500 };
    const pending = gateway.client.chat.completions.create(longJob).withResponse();
    const busy = await waitFor(
      async () => {
        const details = await Promise.all(workers.map((worker) => worker.details()));
        return workers.find((_, index) => details[index].active_jobs > 0);
      },
      10_000,
      'a worker to start the job',
    );
    const survivor = workers.find((worker) => worker !== busy)!;
    const completedBefore = (await survivor.details()).jobs_by_outcome['chat:completed'] ?? 0;
    await busy.kill();

    const { data, response } = await pending;
    expect(response.headers.get('x-gateway-provider')).toBe('local');
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect((await survivor.details()).jobs_by_outcome['chat:completed']).toBe(completedBefore + 1);
  }, 30_000);

  it('exits 0 on SIGTERM after finishing its running jobs', async () => {
    const survivor = workers.find((worker) => worker.running)!;
    const pending = gateway.client.chat.completions.create({ ...chatBody, max_tokens: 200 });
    await waitFor(
      async () => ((await survivor.details()).active_jobs > 0 ? true : undefined),
      15_000, // generous: on a loaded machine the job can wait for the worker's next poll
      'the job to start',
    );
    const exitCode = survivor.stop();
    expect((await pending).usage!.completion_tokens).toBeGreaterThan(0);
    expect(await exitCode).toBe(0);
  });
});
