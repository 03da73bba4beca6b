import { randomUUID } from 'node:crypto';
import {
  ProviderError,
  replyListForGateway,
  STREAM_TTL_SECONDS,
  type LocalJobError,
  type LocalJobOutcome,
  type LocalJobReply,
} from '@app/contracts';
import type { Redis } from 'ioredis';
import { duplicateForBlockingReads } from './local-queues';
import { abortedError } from './local-job-errors';

/**
 * Worker side: pushes a job's outcome onto the reply list of the gateway waiting for it, and
 * pushes the list's expiry forward (one round trip), so replies nobody pops do not stay.
 */
export async function sendJobReply<T>(
  redis: Redis,
  replyTo: string,
  reply: LocalJobReply<T>,
): Promise<void> {
  const results = await redis
    .pipeline()
    .lpush(replyTo, JSON.stringify(reply))
    .expire(replyTo, STREAM_TTL_SECONDS)
    .exec();
  const failure = results?.find(([error]) => error)?.[0];
  if (failure) throw failure;
}

function deadlinePassed(): ProviderError {
  return new ProviderError('the local job did not finish before its deadline', { kind: 'timeout' });
}

interface Waiter {
  resolve: (outcome: LocalJobOutcome<unknown>) => void;
  reject: (error: Error) => void;
}

/** Seconds one blocking pop waits before it is sent again (so a silently dead socket is noticed). */
const BLOCK_SECONDS = 5;
/** Pause before popping again after a failed pop (Redis down: the connection reconnects meanwhile). */
const RETRY_DELAY_MS = 200;

/**
 * Gateway side: the outcomes of this dispatcher's non-streamed jobs. Every worker pushes onto one
 * list per dispatcher and one loop pops it with `BRPOP` on a dedicated connection, so an outcome
 * reaches its waiting request in one Redis wake-up, before BullMQ has even marked the job
 * completed, and a request that gives up only forgets its job id (no connection is left
 * mid-command).
 */
export class JobReplyReader {
  /** What jobs carry as `replyTo`. */
  readonly key: string;
  private readonly waiters = new Map<string, Waiter>();
  private connection: Redis | undefined;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    queuePrefix: string,
  ) {
    this.key = replyListForGateway(queuePrefix, randomUUID());
  }

  /**
   * Registers interest in `jobId`'s outcome: call before queueing the job, so no reply can arrive
   * unheard. Settles with the worker's outcome; rejects with a `timeout` ProviderError at
   * `deadline` and an `aborted` one when `signal` aborts. Call `forget` if the job is never queued.
   */
  expect<T>(jobId: string, deadline: number, signal: AbortSignal): Promise<LocalJobOutcome<T>> {
    this.startReading();
    return new Promise<LocalJobOutcome<T>>((resolve, reject) => {
      if (signal.aborted) return reject(abortedError());
      const timer = setTimeout(
        () => settle(() => reject(deadlinePassed())),
        Math.max(1, deadline - Date.now()),
      );
      const onAbort = () => settle(() => reject(abortedError()));
      const settle = (finish: () => void) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiters.delete(jobId);
        finish();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(jobId, {
        resolve: (outcome) => settle(() => resolve(outcome as LocalJobOutcome<T>)),
        reject: (error) => settle(() => reject(error)),
      });
    });
  }

  /** Ends a wait with a failure that did not come from the reply list (BullMQ gave up on the job). */
  fail(jobId: string, error: LocalJobError): void {
    this.waiters.get(jobId)?.resolve({ ok: false, error });
  }

  /** Stops waiting for `jobId` (its job could not be queued): a pending wait rejects. */
  forget(jobId: string): void {
    this.waiters
      .get(jobId)
      ?.reject(new ProviderError('no longer waiting for the local job', { kind: 'aborted' }));
  }

  close(): void {
    this.closed = true;
    this.connection?.disconnect();
    for (const waiter of this.waiters.values())
      waiter.reject(new ProviderError('the local dispatcher closed', { kind: 'connection' }));
  }

  /** The first wait opens the connection: a gateway that never runs a local job never reads. */
  private startReading(): void {
    if (this.connection || this.closed) return;
    const connection = duplicateForBlockingReads(this.redis);
    // Failed pops are retried by the loop; without a listener ioredis prints every error.
    connection.on('error', () => undefined);
    this.connection = connection;
    void this.readLoop(connection);
  }

  private async readLoop(connection: Redis): Promise<void> {
    while (!this.closed) {
      try {
        const popped = await connection.brpop(this.key, BLOCK_SECONDS);
        if (popped) this.deliver(popped[1]);
      } catch {
        if (this.closed) return;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      }
    }
  }

  private deliver(raw: string): void {
    let reply: LocalJobReply<unknown>;
    try {
      reply = JSON.parse(raw) as LocalJobReply<unknown>;
    } catch {
      return; // not ours to understand; nobody can be waiting for it
    }
    // No waiter: the request gave up (deadline, client gone) or a retried job replied twice.
    this.waiters.get(reply.jobId)?.resolve(reply.outcome);
  }
}
