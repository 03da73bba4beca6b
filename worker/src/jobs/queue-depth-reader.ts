import { QUEUE_NAMES } from '@app/contracts';
import { LOCAL_QUEUE_KEYS, waitingJobs, type LocalQueueKey } from '@app/inference/dispatch';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** Waiting jobs per local queue, for metrics and health (the consumers cannot count them). */
export class QueueDepthReader {
  private readonly queues: Record<LocalQueueKey, Queue>;

  constructor(connection: Redis, prefix: string) {
    this.queues = Object.fromEntries(
      LOCAL_QUEUE_KEYS.map((key) => [key, new Queue(QUEUE_NAMES[key], { connection, prefix })]),
    ) as Record<LocalQueueKey, Queue>;
  }

  async depths(): Promise<Record<LocalQueueKey, number>> {
    const entries = await Promise.all(
      LOCAL_QUEUE_KEYS.map(async (key) => [key, await waitingJobs(this.queues[key])] as const),
    );
    return Object.fromEntries(entries) as Record<LocalQueueKey, number>;
  }

  async close(): Promise<void> {
    await Promise.all(LOCAL_QUEUE_KEYS.map((key) => this.queues[key].close()));
  }
}
