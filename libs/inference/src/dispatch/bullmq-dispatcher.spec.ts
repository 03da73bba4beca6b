import { randomUUID } from 'node:crypto';
import {
  cancelKeyForJob,
  QUEUE_NAMES,
  type ChatCompletion,
  type LocalChatJob,
  type LocalJobOutcome,
} from '@app/contracts';
import { deleteKeysWithPrefix, TEST_REDIS_URL } from '@app/testing/redis/delete-keys-with-prefix';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { BullMqDispatcher } from './bullmq-dispatcher';
import { sendJobReply } from './job-reply-list';
import { createLocalRedisConnection } from './local-queues';

// Real Redis and real BullMQ; the worker is a BullMQ Worker in this process with a stand-in
// processor, so each test decides how the job ends.
const completion = { object: 'chat.completion', id: 'chatcmpl-1' } as ChatCompletion;
const chatJob = (deadlineMs = 10_000): LocalChatJob => ({
  requestId: 'request-1',
  request: { model: 'local-llm', messages: [{ role: 'user', content: 'hi' }] },
  deadline: Date.now() + deadlineMs,
});

let prefix: string;
let dispatcher: BullMqDispatcher;
let worker: Worker | undefined;
let workerConnection: Redis | undefined;
let redis: Redis;

function startWorker(process: (job: { id?: string; data: LocalChatJob }) => Promise<unknown>) {
  workerConnection = createLocalRedisConnection(TEST_REDIS_URL);
  worker = new Worker(QUEUE_NAMES.chat, process, { connection: workerConnection, prefix });
  return worker.waitUntilReady();
}

beforeEach(() => {
  prefix = `test-dispatch-${randomUUID().slice(0, 8)}`;
  redis = new Redis(TEST_REDIS_URL);
  dispatcher = new BullMqDispatcher(createLocalRedisConnection(TEST_REDIS_URL), {
    prefix,
    jobAttempts: 1,
  });
});

afterEach(async () => {
  await worker?.close();
  await workerConnection?.quit();
  worker = undefined;
  workerConnection = undefined;
  await dispatcher.close();
  await redis.quit();
  await deleteKeysWithPrefix(prefix);
});

describe('BullMqDispatcher', () => {
  it('answers with the outcome the worker pushes on the reply list, before BullMQ completes the job', async () => {
    let finishJob: () => void = () => undefined;
    const jobMayFinish = new Promise<void>((resolve) => (finishJob = resolve));
    await startWorker(async (job) => {
      const outcome: LocalJobOutcome<ChatCompletion> = { ok: true, value: completion };
      await sendJobReply(redis, job.data.replyTo!, { jobId: String(job.id), outcome });
      // The job stays active until the test ends it: the answer must not wait for that.
      await jobMayFinish;
      return { ok: true, value: null };
    });
    try {
      await expect(dispatcher.complete(chatJob(), new AbortController().signal)).resolves.toEqual(
        completion,
      );
    } finally {
      finishJob();
    }
  });

  it('fails with a 502 ProviderError as soon as BullMQ gives up on the job, not at the deadline', async () => {
    await startWorker(async () => {
      throw new Error('the model crashed');
    });
    const started = Date.now();
    await expect(
      dispatcher.complete(chatJob(30_000), new AbortController().signal),
    ).rejects.toMatchObject({ kind: 'http', status: 502, code: 'local_job_failed' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('times out at the deadline when no worker takes the job, and marks the job cancelled', async () => {
    await expect(
      dispatcher.complete(chatJob(300), new AbortController().signal),
    ).rejects.toMatchObject({ kind: 'timeout' });
    // A worker starting the job later skips it: the marker is there (written without waiting).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await redis.keys(cancelKeyForJob(prefix, '*'))).toHaveLength(1);
  });
});
