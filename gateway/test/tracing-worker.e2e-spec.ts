import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestModels } from '@app/testing';
import { OtlpReceiver } from '@app/testing/otlp/otlp-receiver';
import { GatewayProcess } from '@app/testing/processes/gateway-process';
import { WorkerProcess } from '@app/testing/processes/worker-process';
import { deleteKeysWithPrefix, TEST_REDIS_URL } from '@app/testing/redis/delete-keys-with-prefix';
import { attemptSpans, clientTraceContext, spansNamed } from './support/trace-ids';

const queuePrefix = `otel-e2e-${randomUUID().slice(0, 8)}`;

/**
 * Issue 15 over the distributed topology: a local request goes gateway → BullMQ → a real worker
 * process, which continues the trace carried in the job (its own service name, exporting
 * OTLP/JSON while the gateway exports protobuf).
 */
describe('OpenTelemetry traces across gateway, BullMQ and a worker', () => {
  let receiver: OtlpReceiver;
  let worker: WorkerProcess;
  let gateway: GatewayProcess;
  let dataDir: string;

  beforeAll(async () => {
    const models = ensureTestModels();
    dataDir = mkdtempSync(join(tmpdir(), 'otel-e2e-'));
    receiver = await OtlpReceiver.start();
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.baseUrl, OTEL_BSP_SCHEDULE_DELAY: '50' };
    worker = await WorkerProcess.start(
      {
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
        WORKER_EMBEDDING_BACKEND: 'transformers',
        WORKER_DATA_DIR: dataDir,
        ...otel,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      },
      40_000,
    );
    gateway = await GatewayProcess.start({
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      REDIS_KEY_PREFIX: `${queuePrefix}:gw:`,
      LOCAL_ENABLED: 'true',
      PROVIDER_ORDER: 'local',
      CACHE_ENABLED: 'false',
      ...otel,
    });
  }, 90_000);

  afterAll(async () => {
    await gateway?.kill();
    await worker?.kill();
    await receiver?.stop();
    await deleteKeysWithPrefix(queuePrefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([false, true])(
    'continues the trace in the worker (stream: %s): queue wait, the job, model load, prompt eval, generation',
    async (stream) => {
      const client = clientTraceContext();
      const secret = `story-${randomUUID()}`;
      const response = await fetch(`${gateway.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...client.headers },
        body: JSON.stringify({
          model: 'local-llm',
          max_tokens: 8,
          temperature: 0,
          stream,
          messages: [{ role: 'user', content: secret }],
        }),
      });
      expect(response.status).toBe(200);
      await response.text();

      const queue = stream ? 'local-chat-stream' : 'local-chat';
      const spans = await spansNamed(
        () => receiver.trace(client.traceId),
        [
          'POST /v1/chat/completions',
          'queue wait',
          `process ${queue}`,
          'prompt eval',
          'generation',
        ],
        20_000,
      );
      const [attempt] = attemptSpans(spans);
      expect(attempt.attributes).toMatchObject({
        'gateway.provider.id': 'local',
        'gen_ai.request.model': 'local-llm',
        'gateway.attempt.outcome': 'success',
      });
      const job = spans.find((span) => span.name === `process ${queue}`)!;
      const wait = spans.find((span) => span.name === 'queue wait')!;
      // The worker's spans hang off the gateway attempt that queued the job.
      expect(job).toMatchObject({
        service: 'ai-gateway-worker',
        kind: 5,
        parentSpanId: attempt.spanId,
      });
      expect(wait).toMatchObject({ service: 'ai-gateway-worker', parentSpanId: attempt.spanId });
      expect(wait.endMs).toBeGreaterThanOrEqual(wait.startMs);
      expect(job.attributes).toMatchObject({
        'messaging.system': 'bullmq',
        'messaging.destination.name': queue,
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'local-llm',
        'gateway.job.outcome': 'completed',
      });
      expect(Number(job.attributes['gen_ai.usage.output_tokens'])).toBeGreaterThan(0);
      for (const name of ['prompt eval', 'generation']) {
        const phase = spans.find((span) => span.name === name)!;
        expect(phase.parentSpanId).toBe(job.spanId);
        expect(phase.startMs).toBeGreaterThanOrEqual(job.startMs);
      }
      // The first job of the worker loaded the model inside the trace.
      if (!stream) expect(spans.map((span) => span.name)).toContain('model load');
      expect(JSON.stringify(spans)).not.toContain(secret);
      expect(receiver.encodings).toEqual(
        expect.arrayContaining(['application/json', 'application/x-protobuf']),
      );
    },
    60_000,
  );

  it('traces a RAG query: the search in the worker (query embedding, vector search), then the answer', async () => {
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${gateway.baseUrl}/v1/rag/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const indexed = await post('index', {
      collection: 'traced',
      documents: [{ id: 'a', content: 'The gateway traces every request across its workers.' }],
    });
    expect(indexed.status).toBe(200);
    const client = clientTraceContext();
    const answered = await post(
      'query',
      { collection: 'traced', query: 'what is traced?', top_k: 1, max_tokens: 8 },
      client.headers,
    );
    expect(answered.status).toBe(200);
    const spans = await spansNamed(
      () => receiver.trace(client.traceId),
      [
        'POST /v1/rag/query',
        'rag search',
        'process local-rag',
        'rag embed',
        'vector search',
        'rag answer',
        'process local-chat',
      ],
      20_000,
    );
    const search = spans.find((span) => span.name === 'rag search')!;
    const job = spans.find((span) => span.name === 'process local-rag')!;
    expect(job.parentSpanId).toBe(search.spanId);
    for (const name of ['rag embed', 'vector search'])
      expect(spans.find((span) => span.name === name)!.parentSpanId).toBe(job.spanId);
  }, 60_000);
});
