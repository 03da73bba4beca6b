import { randomUUID } from 'node:crypto';
import {
  GatewayError,
  QUEUE_NAMES,
  type LocalJobOutcome,
  type LocalRagJob,
  type LocalRagOperation,
} from '@app/contracts';
import { REDIS_BLOCKING_READ_OVERRIDES, type AppConfig } from '@app/config';
import {
  createLocalRedisConnection,
  errorFromLocalJob,
  localJobOptions,
  rejectOnAbort,
} from '@app/inference/dispatch';
import type {
  RagDeleteDocumentResult,
  RagIndexRequest,
  RagIndexResult,
  RagSearchRequest,
  RagSearchResult,
  RagStats,
} from '@app/inference/rag';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RagBackend } from './rag-backend';

/** Indexing embeds every chunk: give it more time than a chat request. */
const MIN_INDEX_WAIT_MS = 120_000;
const DISCONNECTED_STATES = new Set(['reconnecting', 'close', 'end']);

/**
 * Distributed mode: each RAG operation is a job on the `local-rag` queue; the worker's
 * `RagJobConsumer` runs it against its `RagService` (and its data directory) and returns the result
 * as the job's outcome. Request faults come back as the same `GatewayError`s as in-process; a
 * missing or failing worker is a 503.
 */
export class BullMqRagBackend implements RagBackend {
  readonly mode = 'bullmq' as const;
  /** Opened on first use: a gateway that uses Redis only for its state opens no RAG queue. */
  private connection: { redis: Redis; queue: Queue; events: QueueEvents } | undefined;

  constructor(private readonly config: AppConfig) {}

  /**
   * Documents without an id get one here, before queueing, so a job retried after a worker crash
   * replaces what the first run wrote instead of indexing the documents twice.
   */
  index(request: RagIndexRequest, signal: AbortSignal): Promise<RagIndexResult> {
    const documents = Array.isArray(request.documents)
      ? request.documents.map((document) =>
          document && typeof document === 'object' && document.id === undefined
            ? { ...document, id: `doc_${randomUUID().replace(/-/g, '')}` }
            : document,
        )
      : request.documents;
    const waitMs = Math.max(this.config.routing.requestTimeoutMs, MIN_INDEX_WAIT_MS);
    return this.run('index', { ...request, documents }, signal, waitMs);
  }

  search(request: RagSearchRequest, signal: AbortSignal): Promise<RagSearchResult> {
    return this.run('search', { ...request }, signal);
  }

  deleteDocument(
    id: string,
    collection: string | undefined,
    signal: AbortSignal,
  ): Promise<RagDeleteDocumentResult> {
    return this.run('delete_document', { id, collection }, signal);
  }

  deleteCollection(name: string, signal: AbortSignal): Promise<{ name: string; deleted: true }> {
    return this.run('delete_collection', { name }, signal);
  }

  stats(signal: AbortSignal): Promise<RagStats> {
    return this.run('stats', {}, signal);
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    await Promise.all([connection.events.close(), connection.queue.close()]).catch(() => undefined);
    await connection.redis.quit().catch(() => undefined);
  }

  private connect(): { redis: Redis; queue: Queue; events: QueueEvents } {
    if (!this.connection) {
      const redis = createLocalRedisConnection(this.config.redisUrl!, {
        commandTimeoutMs: this.config.redisCommandTimeoutMs,
      });
      const prefix = this.config.worker.queuePrefix;
      // Events block on XREAD: a connection of their own, without the command timeout.
      const blocking = { ...redis.options, ...REDIS_BLOCKING_READ_OVERRIDES };
      const events = new QueueEvents(QUEUE_NAMES.rag, { connection: blocking, prefix });
      const queue = new Queue(QUEUE_NAMES.rag, { connection: redis, prefix });
      // One listener per waiting request on each (waitUntilFinished): not a leak.
      events.setMaxListeners(0);
      queue.setMaxListeners(0);
      this.connection = { redis, queue, events };
    }
    return this.connection;
  }

  private async run<T>(
    operation: LocalRagOperation,
    payload: Record<string, unknown>,
    signal: AbortSignal,
    waitMs = this.config.routing.requestTimeoutMs,
  ): Promise<T> {
    const { redis, queue, events } = this.connect();
    if (DISCONNECTED_STATES.has(redis.status)) throw unavailable('Redis is not connected');
    const jobId = randomUUID();
    const data: LocalRagJob = {
      requestId: jobId,
      operation,
      payload,
      deadline: Date.now() + waitMs,
    };
    let outcome: LocalJobOutcome<T>;
    try {
      await events.waitUntilReady();
      const job = await queue.add(operation, data, {
        ...localJobOptions(this.config.worker.jobAttempts),
        jobId,
      });
      outcome = (await rejectOnAbort(
        job.waitUntilFinished(events, waitMs),
        signal,
      )) as LocalJobOutcome<T>;
    } catch (error) {
      throw unavailable((error as Error)?.message ?? String(error));
    }
    if (outcome.ok) return outcome.value;
    const failure = errorFromLocalJob(outcome.error);
    throw failure instanceof GatewayError ? failure : unavailable(outcome.error.message);
  }
}

function unavailable(reason: string): GatewayError {
  return new GatewayError(
    503,
    `The RAG worker could not run the request: ${reason}`,
    'api_error',
    'rag_unavailable',
  );
}
