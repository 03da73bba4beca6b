import { randomUUID } from 'node:crypto';
import { ensureTestModels, type TestModelPaths } from '@app/testing';
import { GatewayProcess } from '@app/testing/processes/gateway-process';
import { waitFor, WorkerProcess } from '@app/testing/processes/worker-process';
import { deleteKeysWithPrefix, TEST_REDIS_URL } from '@app/testing/redis/delete-keys-with-prefix';
import { reportTiming, timedCall } from './support/fault-client';

const ADMIN_KEY = 'admin-fault-secret';
const queuePrefix = `fault-worker-${randomUUID().slice(0, 8)}`;
/** Must hold (issue 11): an answer from another worker within 15 s of the crash. */
const ANSWER_BOUND_MS = 15_000;
/** A stream whose worker died ends with an error event within ~10 s (detection time). */
const STREAM_ERROR_BOUND_MS = 12_000;

function workerEnv(models: TestModelPaths): Record<string, string> {
  // The shipped WORKER_LOCK_DURATION_MS and WORKER_STALLED_INTERVAL_MS: not set here.
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
  };
}

/**
 * The generated test model has random weights: at temperature 0 its answer's length depends only
 * on the prompt, and a random prompt may hit the end-of-sequence token within a few tokens (one
 * such job ended before any worker was seen busy, and the test failed on its setup). These
 * prompts run to `max_tokens` (1500 tokens, ~1.2 s on one idle thread); the next one is tried
 * when a job still ends first (another CPU's floating point may take another greedy path).
 */
const LONG_PROMPTS = [
  'Tell a long story',
  'Tell a very long story',
  'Tell a long story about a lighthouse keeper',
];

const longJob = (stream: boolean, prompt = LONG_PROMPTS[0]) => ({
  model: 'local-llm',
  max_tokens: 1500,
  temperature: 0,
  stream,
  messages: [{ role: 'user', content: prompt }],
});

/**
 * Issue 11, defect 8, with the shipped lock and stalled-check settings: a worker SIGKILLed
 * mid-job. A non-stream request is answered by the other worker within 15 s; a stream that had
 * started ends with an error event within ~10 s; the tokens it delivered are accounted.
 */
describe('worker crash mid-job', () => {
  let models: TestModelPaths;
  let gateway: GatewayProcess;
  const workers: WorkerProcess[] = [];

  const busyWorker = (signal?: AbortSignal) =>
    waitFor(
      async () => {
        const details = await Promise.all(
          workers.filter((worker) => worker.running).map((worker) => worker.details()),
        );
        return workers.filter((worker) => worker.running)[
          details.findIndex((detail) => detail.active_jobs > 0)
        ];
      },
      // Setup, not the measured bound: on a loaded CI machine a worker may take a while to pick
      // the job up (the bound is timed from the kill).
      30_000,
      'a worker to start the job',
      signal,
    );

  beforeAll(async () => {
    models = ensureTestModels();
    const started = await Promise.all([
      WorkerProcess.start(workerEnv(models), 40_000),
      WorkerProcess.start(workerEnv(models), 40_000),
      WorkerProcess.start(workerEnv(models), 40_000),
    ]);
    workers.push(...started);
    gateway = await GatewayProcess.start({
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      REDIS_KEY_PREFIX: `${queuePrefix}:gw:`,
      LOCAL_ENABLED: 'true',
      PROVIDER_ORDER: 'local',
      ADMIN_API_KEY: ADMIN_KEY,
      CACHE_ENABLED: 'false',
    });
  }, 90_000);

  afterAll(async () => {
    await gateway?.kill();
    await Promise.all(workers.map((worker) => worker.kill()));
    await deleteKeysWithPrefix(queuePrefix);
  });

  /** A call whose job a worker is seen running; the next prompt when a job ends before that. */
  async function callSeenBusy() {
    const early: string[] = [];
    for (const prompt of LONG_PROMPTS) {
      const pending = timedCall(`${gateway.baseUrl}/v1/chat/completions`, {
        key: ADMIN_KEY,
        body: longJob(false, prompt),
      });
      // The poll stops once the race is decided: a call that ends first must not leave it
      // running (and asking the workers) under the next prompt's poll.
      const lost = new AbortController();
      const polling = busyWorker(lost.signal);
      polling.catch(() => undefined);
      const seen = await Promise.race([
        polling,
        pending.then((answer) => {
          // Only a job that finished (200) is set-up luck; any other early end is a failure.
          if (answer.status !== 200)
            throw new Error(`the call ended (${answer.status}) before a worker was seen busy`);
          early.push(`'${prompt}' answered ${answer.json.usage?.completion_tokens} tokens`);
          return undefined;
        }),
      ]).finally(() => lost.abort());
      if (seen) return { busy: seen, pending };
    }
    throw new Error(`every call ended before a worker was seen busy (${early.join(', ')})`);
  }

  it('answers a non-stream request from another worker within 15 s of the crash', async () => {
    const { busy, pending } = await callSeenBusy();
    const killedAt = Date.now();
    await busy.kill();
    const answer = await pending;
    reportTiming('worker SIGKILL mid-job, answer from another worker after', Date.now() - killedAt);
    expect(answer.status).toBe(200);
    expect(answer.json.choices[0].message.role).toBe('assistant');
    expect(Date.now() - killedAt).toBeLessThan(ANSWER_BOUND_MS);
  }, 60_000);

  it('ends a started stream with an error event soon after its worker dies, and accounts what it delivered', async () => {
    const usageBefore = await completionTokensSoFar(gateway);
    const response = await fetch(`${gateway.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(longJob(true)),
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const events = () => text.split('\n\n').filter((event) => event.startsWith('data: {'));
    while (events().length < 4) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const busy = await busyWorker();
    const killedAt = Date.now();
    await busy.kill();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const endedAfter = Date.now() - killedAt;
    reportTiming('worker SIGKILL mid-stream, final error event after', endedAfter);
    const last = JSON.parse(events().at(-1)!.slice('data: '.length)) as { error?: unknown };
    expect(last.error).toBeDefined();
    expect(text).not.toContain('data: [DONE]');
    expect(endedAfter).toBeLessThan(STREAM_ERROR_BOUND_MS);

    const streamedChunks = events().length - 1;
    const delivered = await waitFor(
      async () => {
        const tokens = (await completionTokensSoFar(gateway)) - usageBefore;
        return tokens > 0 ? tokens : undefined;
      },
      10_000,
      'the broken stream to be accounted',
    );
    expect(delivered).toBeGreaterThanOrEqual(Math.min(streamedChunks, 3));
  }, 60_000);
});

async function completionTokensSoFar(gateway: GatewayProcess): Promise<number> {
  const report = await timedCall(`${gateway.baseUrl}/admin/usage?tenant=admin`, { key: ADMIN_KEY });
  return Number(report.json.totals?.completion_tokens ?? 0);
}
