import { cancelChannel, cancelKeyForJob, STREAM_TTL_SECONDS } from '@app/contracts';
import type { Redis } from 'ioredis';

/**
 * Gateway side: the client went away. The marker covers a job no worker has started yet (checked
 * when it starts); the message reaches the worker already generating (it aborts the job's signal).
 */
export async function announceCancellation(
  redis: Redis,
  queuePrefix: string,
  jobId: string,
): Promise<void> {
  await redis
    .pipeline()
    .set(cancelKeyForJob(queuePrefix, jobId), '1', 'EX', STREAM_TTL_SECONDS)
    .publish(cancelChannel(queuePrefix), jobId)
    .exec();
}

export async function isCancellationAnnounced(
  redis: Redis,
  queuePrefix: string,
  jobId: string,
): Promise<boolean> {
  return (await redis.exists(cancelKeyForJob(queuePrefix, jobId))) === 1;
}

/** Worker side: calls `onCancel(jobId)` for every cancellation any gateway announces. */
export class CancellationListener {
  private constructor(private readonly subscriber: Redis) {}

  /** @param subscriber a dedicated connection (a subscribed connection can run nothing else) */
  static async start(
    subscriber: Redis,
    queuePrefix: string,
    onCancel: (jobId: string) => void,
  ): Promise<CancellationListener> {
    const channel = cancelChannel(queuePrefix);
    subscriber.on('message', (from: string, jobId: string) => {
      if (from === channel) onCancel(jobId);
    });
    await subscriber.subscribe(channel);
    return new CancellationListener(subscriber);
  }

  async close(): Promise<void> {
    await this.subscriber.quit().catch(() => undefined);
  }
}
