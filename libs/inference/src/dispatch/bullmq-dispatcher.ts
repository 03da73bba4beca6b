import { randomUUID } from 'node:crypto';
import {
  GatewayError,
  ProviderError,
  streamKeyForJob,
  type ChatCompletion,
  type ChatCompletionChunk,
  type EmbeddingsResult,
  type LocalChatJob,
  type LocalEmbeddingsJob,
  type LocalEmbeddingsResult,
  type LocalJobsByQueue,
  type LocalRagJob,
  type RagOperation,
} from '@app/contracts';
import type { AppConfig } from '@app/config';
import type { Redis } from 'ioredis';
import type { RagResultOf } from '../rag/rag-operations';
import { BlockingConnectionPool } from './blocking-connection-pool';
import { decodeFloat32Base64 } from './float32-base64';
import { announceCancellation } from './job-cancellation';
import { JobReplyReader } from './job-reply-list';
import {
  appendStreamEvent,
  chunksFromStreamEntries,
  GATEWAY_RUN,
  readStreamEntries,
} from './job-result-stream';
import type { DispatchHooks, LocalDispatcher, LocalDispatcherStatus } from './local-dispatcher';
import { errorFromLocalJob } from './local-job-errors';
import {
  createLocalRedisConnection,
  localJobOptions,
  LocalQueues,
  type LocalQueueKey,
} from './local-queues';

const DISCONNECTED_STATES = new Set(['reconnecting', 'close', 'end']);

export interface BullMqDispatcherOptions {
  /** BullMQ key prefix; gateway and workers must agree. */
  prefix: string;
  /** Tries per job, including the first (WORKER_JOB_ATTEMPTS). */
  jobAttempts: number;
}

/**
 * Distributed mode: local work goes to worker processes over BullMQ. Non-streamed outcomes come
 * back on this dispatcher's reply list (`JobReplyReader`): one blocking pop on a dedicated
 * connection, instead of BullMQ's completion event plus `waitUntilFinished`'s extra lookup, which
 * put a Lua script and an events-stream read between the model's answer and the request. Streamed
 * chunks come back through a Redis Stream per job. A disconnecting client cancels the job on the
 * worker; a job that fails for good (or whose worker died too often) ends as a `ProviderError`,
 * and every wait is bounded by the job's deadline, so no request hangs on a dead worker.
 */
export class BullMqDispatcher implements LocalDispatcher {
  /** Distributed mode's dispatcher from configuration, on a connection of its own. */
  static fromConfig(
    config: Pick<AppConfig, 'redisUrl' | 'worker' | 'redisCommandTimeoutMs'>,
  ): BullMqDispatcher {
    if (!config.redisUrl) throw new Error('the BullMQ dispatcher needs REDIS_URL');
    const connection = createLocalRedisConnection(config.redisUrl, {
      commandTimeoutMs: config.redisCommandTimeoutMs,
    });
    return new BullMqDispatcher(connection, {
      prefix: config.worker.queuePrefix,
      jobAttempts: config.worker.jobAttempts,
    });
  }

  private readonly queues: LocalQueues;
  private readonly readers: BlockingConnectionPool;
  private readonly replies: JobReplyReader;
  /** Streamed jobs of this gateway (whether they delivered a chunk yet, their hooks), by job id. */
  private readonly openStreams = new Map<string, { delivered: boolean; hooks: DispatchHooks }>();
  /** Progress hooks of this gateway's non-streamed jobs, by job id. */
  private readonly jobHooks = new Map<string, DispatchHooks>();

  constructor(
    private readonly redis: Redis,
    private readonly options: BullMqDispatcherOptions,
  ) {
    this.queues = new LocalQueues(redis, options.prefix);
    this.readers = new BlockingConnectionPool(redis);
    this.replies = new JobReplyReader(redis, options.prefix);
    this.queues.events.chatStream.on('failed', ({ jobId, failedReason }) =>
      this.endStream(jobId, `local job failed: ${failedReason}`, 'local_job_failed'),
    );
    this.queues.events.chatStream.on('active', ({ jobId }) =>
      this.openStreams.get(jobId)?.hooks.onStarted?.(),
    );
    this.queues.events.chatStream.on('stalled', ({ jobId }) => this.streamStalled(jobId));
    for (const queue of ['chat', 'embeddings', 'rag'] as const) {
      this.queues.events[queue].on('active', ({ jobId }) =>
        this.jobHooks.get(jobId)?.onStarted?.(),
      );
      // Its worker died (lock lapsed): back in the queue for another worker.
      this.queues.events[queue].on('stalled', ({ jobId }) =>
        this.jobHooks.get(jobId)?.onRequeued?.(),
      );
      // Attempts used up, or stalled too often: no worker will reply.
      this.queues.events[queue].on('failed', ({ jobId, failedReason }) =>
        this.replies.fail(jobId, {
          status: 502,
          message: `local job failed: ${failedReason}`,
          code: 'local_job_failed',
        }),
      );
    }
  }

  complete(
    job: LocalChatJob,
    signal: AbortSignal,
    hooks: DispatchHooks = {},
  ): Promise<ChatCompletion> {
    return this.runToCompletion<ChatCompletion>('chat', job, signal, hooks);
  }

  async embed(job: LocalEmbeddingsJob, signal: AbortSignal): Promise<EmbeddingsResult> {
    const { model, vectorsBase64, promptTokens } =
      await this.runToCompletion<LocalEmbeddingsResult>('embeddings', job, signal, {});
    return { model, vectors: vectorsBase64.map(decodeFloat32Base64), promptTokens };
  }

  /** RAG work goes to whichever worker takes it; the outcome comes back on the reply list. */
  rag<Operation extends RagOperation>(
    job: LocalRagJob & { rag: Operation },
    signal: AbortSignal,
  ): Promise<RagResultOf<Operation['operation']>> {
    return this.runToCompletion('rag', job, signal, {});
  }

  async *stream(
    job: LocalChatJob,
    signal: AbortSignal,
    hooks: DispatchHooks = {},
  ): AsyncIterable<ChatCompletionChunk> {
    const jobId = randomUUID();
    const key = streamKeyForJob(this.options.prefix, jobId);
    const connection = this.readers.acquire();
    let finished = false;
    const progress = { delivered: false, hooks };
    this.openStreams.set(jobId, progress);
    try {
      await this.addJob('chatStream', jobId, job);
      const entries = readStreamEntries(connection, key, signal, job.deadline);
      for await (const chunk of chunksFromStreamEntries(entries)) {
        progress.delivered = true;
        yield chunk;
      }
      finished = true;
    } finally {
      this.openStreams.delete(jobId);
      // Stopped early (client gone, timeout, error): stop the worker.
      if (!finished) void this.cancel(jobId);
      // An abort can interrupt a pending XREAD, whose late reply would confuse the next reader.
      if (signal.aborted) this.readers.discard(connection);
      else this.readers.release(connection);
      void this.redis.del(key).catch(() => undefined);
    }
  }

  async queueDepth(): Promise<number> {
    this.assertRedisReady();
    return this.queues.waitingCount();
  }

  async status(): Promise<LocalDispatcherStatus> {
    const [queueDepth, workers] = await Promise.all([
      this.queueDepth(),
      this.queues.queues.chat.getWorkersCount(),
    ]);
    return { mode: 'bullmq', queueDepth, workers };
  }

  /** Closes the queues and the Redis connection this dispatcher was given (it owns it). */
  async close(): Promise<void> {
    this.readers.close();
    this.replies.close();
    await this.queues.close();
    await this.redis.quit().catch(() => undefined);
  }

  private async runToCompletion<T>(
    queue: 'chat' | 'embeddings' | 'rag',
    data: LocalJobsByQueue['chat' | 'embeddings' | 'rag'],
    signal: AbortSignal,
    hooks: DispatchHooks,
  ): Promise<T> {
    const jobId = randomUUID();
    // Listening before the job exists, so a fast worker cannot reply unheard.
    const reply = this.replies.expect<T>(jobId, data.deadline, signal);
    // Awaited below; an abort while the job is being queued must not count as unhandled.
    reply.catch(() => undefined);
    if (hooks.onStarted || hooks.onRequeued) this.jobHooks.set(jobId, hooks);
    try {
      await this.addJob(queue, jobId, { ...data, replyTo: this.replies.key });
      const outcome = await reply;
      if (!outcome.ok) throw errorFromLocalJob(outcome.error);
      return outcome.value;
    } catch (error) {
      this.replies.forget(jobId);
      if (!(error instanceof GatewayError)) void this.cancel(jobId);
      throw error;
    } finally {
      this.jobHooks.delete(jobId);
    }
  }

  private async addJob<Queue extends LocalQueueKey>(
    queue: Queue,
    jobId: string,
    data: LocalJobsByQueue[Queue],
  ) {
    this.assertRedisReady();
    try {
      return await this.queues.queues[queue].add(queue, data, {
        ...localJobOptions(this.options.jobAttempts),
        jobId,
      });
    } catch (error) {
      throw new ProviderError(`could not queue the local job: ${(error as Error).message}`, {
        kind: 'connection',
      });
    }
  }

  /**
   * While Redis is down, commands would wait for a reconnect (BullMQ needs unlimited retries):
   * fail fast instead, so the router falls back. A first connection still in progress is waited for.
   */
  private assertRedisReady(): void {
    if (DISCONNECTED_STATES.has(this.redis.status)) {
      throw new ProviderError(`Redis is not reachable (${this.redis.status})`, {
        kind: 'connection',
      });
    }
  }

  /** Best effort: a job already finished or gone needs no cancelling. */
  private async cancel(jobId: string): Promise<void> {
    await announceCancellation(this.redis, this.options.prefix, jobId).catch(() => undefined);
  }

  /**
   * A streamed job's worker died (BullMQ found its lock lapsed). Before any chunk, the retry on
   * another worker replaces it unseen (the first-byte timer runs again); after, the client holds
   * half an answer a retry cannot continue, so the stream ends now with an error (not when the
   * retry starts, or when the idle timeout fires if no worker is left) and the retry is cancelled.
   */
  private streamStalled(jobId: string): void {
    const stream = this.openStreams.get(jobId);
    if (!stream) return;
    if (!stream.delivered) return stream.hooks.onRequeued?.();
    this.endStream(jobId, 'the local worker running this stream died mid-answer', 'worker_died');
    void this.cancel(jobId);
  }

  /** Ends a streamed job's reader with an error event of the gateway's own run. */
  private endStream(jobId: string, message: string, code: string): void {
    if (!this.openStreams.has(jobId)) return;
    const key = streamKeyForJob(this.options.prefix, jobId);
    const error = { status: 502, message, code };
    void appendStreamEvent(this.redis, key, GATEWAY_RUN, { type: 'error', error }).catch(
      () => undefined,
    );
  }
}
