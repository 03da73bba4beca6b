import { randomUUID } from 'node:crypto';
import {
  cancelKeyForJob,
  type ChatCompletion,
  type LocalChatJob,
  type LocalJobReply,
} from '@app/contracts';
import { deleteKeysWithPrefix, TEST_REDIS_URL } from '@app/testing/redis/delete-keys-with-prefix';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { WorkerMetrics } from '../metrics/worker-metrics';
import type { RagService } from '@app/inference/rag/rag-service';
import type { LocalModels } from '../models/local-models';
import { chatProcessor, type ProcessorContext } from './local-job-processors';

// Real Redis (cancel markers and reply lists); the chat model is a stand-in.
const prefix = `test-processors-${randomUUID().slice(0, 8)}`;
const completion = { object: 'chat.completion', id: 'chatcmpl-1' } as ChatCompletion;
let redis: Redis;

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(async () => {
  await redis.quit();
  await deleteKeysWithPrefix(prefix);
});

function context(complete: (signal: AbortSignal) => Promise<ChatCompletion>): ProcessorContext {
  return {
    redis,
    queuePrefix: prefix,
    models: {
      chat: { complete: (_request: unknown, signal: AbortSignal) => complete(signal) },
    } as unknown as LocalModels,
    metrics: { recordGeneration: () => undefined } as unknown as WorkerMetrics,
    rag: {} as RagService,
  };
}

function chatJob(): Job<LocalChatJob> {
  return {
    id: randomUUID(),
    data: {
      requestId: 'request-1',
      request: { model: 'local-llm', messages: [{ role: 'user', content: 'hi' }] },
      deadline: Date.now() + 60_000,
      replyTo: `${prefix}:replies:${randomUUID()}`,
    },
    attemptsMade: 0,
    opts: { attempts: 1 },
  } as unknown as Job<LocalChatJob>;
}

async function replyOf(job: Job<LocalChatJob>): Promise<LocalJobReply<ChatCompletion>> {
  const popped = await redis.rpop(job.data.replyTo!);
  return JSON.parse(popped!) as LocalJobReply<ChatCompletion>;
}

describe('chatProcessor', () => {
  it('pushes the completion to the reply list and leaves BullMQ only that it succeeded', async () => {
    const job = chatJob();
    const returned = await chatProcessor(context(async () => completion))(job, 'token', undefined);
    expect(returned).toEqual({ ok: true, value: null });
    expect(await replyOf(job)).toEqual({
      jobId: job.id,
      outcome: { ok: true, value: completion },
    });
  });

  it('stops the model and answers cancelled when the client went away before the job started', async () => {
    const job = chatJob();
    await redis.set(cancelKeyForJob(prefix, job.id!), '1');
    let stoppedByCancellation = false;
    // A model that would run for a minute unless its signal stops it.
    const slowModel = (signal: AbortSignal) =>
      new Promise<ChatCompletion>((resolve, reject) => {
        const timer = setTimeout(() => resolve(completion), 60_000);
        signal.addEventListener('abort', () => {
          stoppedByCancellation = true;
          clearTimeout(timer);
          reject(new Error('aborted'));
        });
      });
    const returned = await chatProcessor(context(slowModel))(job, 'token', undefined);
    expect(stoppedByCancellation).toBe(true);
    expect(returned).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect((await replyOf(job)).outcome).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });
});
