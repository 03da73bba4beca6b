import { REDIS_BLOCKING_READ_OVERRIDES, redisFailFastOptions } from '@app/config';
import { QUEUE_NAMES } from '@app/contracts';
import { Queue, QueueEvents, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** The queues of the local tier: inference, and RAG work on the workers' collections. */
export type LocalQueueKey = 'chat' | 'chatStream' | 'embeddings' | 'rag';
export const LOCAL_QUEUE_KEYS: readonly LocalQueueKey[] = [
  'chat',
  'chatStream',
  'embeddings',
  'rag',
];
/** The queues whose waiting jobs wait for a model: the local provider's backpressure counts these. */
export const INFERENCE_QUEUE_KEYS: readonly LocalQueueKey[] = ['chat', 'chatStream', 'embeddings'];

/** Jobs not yet started: waiting, prioritized, or delayed before a retry. */
const WAITING_STATES = ['wait', 'prioritized', 'delayed'] as const;

/** Jobs of one queue that no worker has started yet. */
export async function waitingJobs(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts(...WAITING_STATES);
  return WAITING_STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
}

/**
 * A command connection for the local tier. BullMQ requires `maxRetriesPerRequest: null` on the
 * connections it blocks on. With `commandTimeoutMs` (the gateway, on the request path) it fails
 * fast while Redis is down or frozen (see `redisFailFastOptions`); without it (the worker, whose
 * BullMQ consumers block on it) it waits for Redis to come back.
 */
export function createLocalRedisConnection(
  redisUrl: string,
  options: { commandTimeoutMs?: number } = {},
): Redis {
  return new Redis(redisUrl, {
    maxRetriesPerRequest: null,
    ...(options.commandTimeoutMs === undefined
      ? {}
      : redisFailFastOptions(options.commandTimeoutMs)),
  });
}

/** A connection for blocking reads, from a command connection: see REDIS_BLOCKING_READ_OVERRIDES. */
export function duplicateForBlockingReads(redis: Redis): Redis {
  return redis.duplicate(REDIS_BLOCKING_READ_OVERRIDES);
}

/**
 * Retries with a short exponential backoff (a local model either works or fails fast); finished
 * jobs stay a few minutes for inspection, then go.
 */
export function localJobOptions(attempts: number): JobsOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: 200 },
    removeOnComplete: { age: 300, count: 1000 },
    removeOnFail: { age: 3600, count: 1000 },
  };
}

/** The producer side of the local queues: one `Queue` and one `QueueEvents` per queue. */
export class LocalQueues {
  readonly queues: Record<LocalQueueKey, Queue>;
  readonly events: Record<LocalQueueKey, QueueEvents>;

  constructor(connection: Redis, prefix: string) {
    const build = <T>(create: (name: string) => T) =>
      Object.fromEntries(LOCAL_QUEUE_KEYS.map((key) => [key, create(QUEUE_NAMES[key])])) as Record<
        LocalQueueKey,
        T
      >;
    this.queues = build((name) => new Queue(name, { connection, prefix }));
    // QueueEvents blocks on XREAD: its own connection, without the command timeout.
    const blocking = { ...connection.options, ...REDIS_BLOCKING_READ_OVERRIDES };
    this.events = build((name) => new QueueEvents(name, { connection: blocking, prefix }));
  }

  async waitUntilReady(): Promise<void> {
    await Promise.all(LOCAL_QUEUE_KEYS.map((key) => this.events[key].waitUntilReady()));
  }

  /** Jobs not yet started on one queue, or on the inference queues together. */
  async waitingCount(key?: LocalQueueKey): Promise<number> {
    const keys = key ? [key] : INFERENCE_QUEUE_KEYS;
    const counts = await Promise.all(keys.map((each) => waitingJobs(this.queues[each])));
    return counts.reduce((total, count) => total + count, 0);
  }

  async close(): Promise<void> {
    await Promise.all(
      LOCAL_QUEUE_KEYS.flatMap((key) => [this.events[key].close(), this.queues[key].close()]),
    );
  }
}
