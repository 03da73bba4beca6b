import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { Logger } from 'pino';
import { LOGGER } from '../logging/logger';
import { GatewayMetrics } from '../observability/gateway-metrics';
import { USAGE_LEDGER } from '../persistence/persistence.module';
import type { UsageEvent } from '../persistence/records';
import type { UsageLedger } from '../persistence/repositories';

const MAX_RETRY_DELAY_MS = 30_000;
const DROP_LOG_INTERVAL_MS = 10_000;
/** On shutdown, the last rows get this long to reach the database. */
const SHUTDOWN_FLUSH_MS = 10_000;

type CommitListener = (events: readonly UsageEvent[]) => void;

/**
 * The write side of the usage ledger. A request only appends its row to memory; rows are written
 * in batches (USAGE_BATCH_SIZE, at least every USAGE_FLUSH_INTERVAL_MS), one transaction each, and
 * on shutdown. While the database is unreachable they stay buffered (retried with backoff; the
 * oldest are dropped beyond USAGE_BUFFER_MAX_ROWS, counted in `ai_usage_rows_dropped_total` and
 * logged) and are written when it returns. Until committed, a row's cost counts as in-flight
 * spend for budget checks (`pendingNanoUsd`).
 */
@Injectable()
export class UsageLedgerWriter implements OnModuleInit, OnApplicationShutdown {
  /** Oldest first; a batch being written stays out of it until it commits or fails. */
  private waiting: UsageEvent[] = [];
  private writing = 0;
  /** subject → day → nano-USD of rows waiting or being written. */
  private readonly pending = new Map<string, Map<string, number>>();
  private readonly commitListeners: CommitListener[] = [];
  private running: Promise<void> | undefined;
  private exclusive: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private retryAt = 0;
  private droppedSinceLog = 0;
  private lastDropLog = 0;
  private stopped = false;

  constructor(
    @Inject(USAGE_LEDGER) private readonly ledger: UsageLedger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    metrics.observeUsageBacklog(() => this.backlog());
  }

  onModuleInit(): void {
    this.timer = setInterval(() => {
      if (this.waiting.length > 0 && Date.now() >= this.retryAt) this.flushInBackground();
    }, this.config.persistence.usageFlushIntervalMs);
    this.timer.unref();
  }

  /** The request path's only cost: a push and a map update. */
  enqueue(event: UsageEvent): void {
    this.waiting.push(event);
    this.addPending(event, 1);
    const limit = this.config.persistence.usageBufferMaxRows;
    if (this.waiting.length > limit) this.drop(this.waiting.length - limit);
    if (
      this.waiting.length >= this.config.persistence.usageBatchSize &&
      !this.running &&
      Date.now() >= this.retryAt
    )
      this.flushInBackground();
  }

  /** Rows not yet committed: waiting plus being written. */
  backlog(): number {
    return this.waiting.length + this.writing;
  }

  /** Nano-USD of uncommitted rows of a subject on days on or after `sinceDay`. */
  pendingNanoUsd(subject: string, sinceDay: string): number {
    const days = this.pending.get(subject);
    if (!days) return 0;
    let sum = 0;
    for (const [day, nanoUsd] of days) if (day >= sinceDay) sum += nanoUsd;
    return sum;
  }

  /** Called inside the exclusive section, right after a batch commits. */
  onCommitted(listener: CommitListener): void {
    this.commitListeners.push(listener);
  }

  /**
   * Runs `work` with no batch write in progress. Budget reads of the ledger go through here, so a
   * read and the bookkeeping of a commit never interleave (a batch is counted once, not 0 or 2 times).
   */
  runExclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.exclusive.then(work);
    this.exclusive = result.catch(() => undefined);
    return result;
  }

  /** Writes every waiting row now; rejects if the database cannot take them (they stay buffered). */
  async flush(): Promise<void> {
    for (;;) {
      if (this.running) {
        await this.running.catch(() => undefined);
        continue;
      }
      if (this.waiting.length === 0) return;
      return this.write('all');
    }
  }

  /** Keeps trying (a deploy may coincide with a database blip) until SHUTDOWN_FLUSH_MS is up. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.stopped = true;
    const deadline = Date.now() + SHUTDOWN_FLUSH_MS;
    let lastError: Error | undefined;
    while (this.backlog() > 0 && Date.now() < deadline) {
      try {
        await Promise.race([
          this.flush(),
          new Promise((_, reject) =>
            setTimeout(reject, deadline - Date.now(), new Error('timed out')).unref(),
          ),
        ]);
      } catch (error) {
        lastError = error as Error;
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(0, Math.min(500, deadline - Date.now()))),
        );
      }
    }
    if (this.backlog() === 0) return;
    this.logger.error(
      { rows: this.backlog(), err: { message: lastError?.message ?? 'timed out' } },
      'usage rows lost at shutdown: the database did not take them',
    );
  }

  /** The interval's partial batch, or the full one `enqueue` saw; then only full batches. */
  private flushInBackground(): void {
    if (this.running || this.stopped) return;
    this.write('full batches').catch(() => undefined);
  }

  private write(upTo: 'all' | 'full batches'): Promise<void> {
    this.running = this.writeBatches(upTo).finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Writes a batch, then more while rows wait: all of them for `flush()` (shutdown, a usage
   * report), only full batches otherwise. A remainder waits for USAGE_BATCH_SIZE rows or the
   * next USAGE_FLUSH_INTERVAL_MS tick, as documented, rather than being written as soon as the
   * previous commit returns: under load that wrote whatever arrived during one fsync, ~40 small
   * transactions a second at 3,500 requests/s (each one a wake-up of the append thread and a
   * commit sharing the gateway's core) instead of ~7 of USAGE_BATCH_SIZE.
   */
  private async writeBatches(upTo: 'all' | 'full batches'): Promise<void> {
    const batchSize = this.config.persistence.usageBatchSize;
    // How many rows must wait for another batch to follow: any for `all`, else a full batch.
    const next = upTo === 'all' ? 1 : batchSize;
    for (let first = true; this.waiting.length >= (first ? 1 : next); first = false) {
      // Requests are served between two batches of a backlog, not after all of them (an
      // embedded `:memory:` ledger writes on the event loop; a file-backed one on its thread).
      if (!first) await new Promise((resolve) => setImmediate(resolve));
      const batch = this.waiting.splice(0, batchSize);
      this.writing = batch.length;
      try {
        await this.runExclusive(async () => {
          await this.ledger.append(batch);
          for (const listener of this.commitListeners) listener(batch);
          for (const event of batch) this.addPending(event, -1);
        });
        this.writing = 0;
        this.recovered();
      } catch (error) {
        // Back to the front, in order: the ledger skips ids it already has, so a batch whose
        // commit was in fact applied is not counted twice when retried.
        this.waiting = batch.concat(this.waiting);
        this.writing = 0;
        this.failed(error as Error);
        throw error;
      }
    }
  }

  private failed(error: Error): void {
    this.failures += 1;
    const delay = Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** Math.min(this.failures, 10));
    this.retryAt = Date.now() + delay;
    if (this.failures === 1 || this.failures % 10 === 0)
      this.logger.warn(
        { err: { message: error.message }, rows: this.backlog(), failures: this.failures },
        'usage rows not written yet; kept in memory and retried',
      );
  }

  private recovered(): void {
    if (this.failures > 0)
      this.logger.info({ failures: this.failures }, 'usage rows written again after an outage');
    this.failures = 0;
    this.retryAt = 0;
  }

  private drop(count: number): void {
    const dropped = this.waiting.splice(0, count);
    for (const event of dropped) this.addPending(event, -1);
    this.metrics.usageRowsDropped(dropped.length);
    this.droppedSinceLog += dropped.length;
    const now = Date.now();
    if (now - this.lastDropLog < DROP_LOG_INTERVAL_MS) return;
    this.lastDropLog = now;
    this.logger.error(
      { dropped: this.droppedSinceLog, limit: this.config.persistence.usageBufferMaxRows },
      'usage rows dropped: the database is unreachable and USAGE_BUFFER_MAX_ROWS is reached',
    );
    this.droppedSinceLog = 0;
  }

  private addPending(event: UsageEvent, sign: 1 | -1): void {
    if (event.costNanoUsd === 0) return;
    let days = this.pending.get(event.subject);
    if (!days) this.pending.set(event.subject, (days = new Map()));
    const sum = (days.get(event.day) ?? 0) + sign * event.costNanoUsd;
    if (sum === 0) {
      days.delete(event.day);
      if (days.size === 0) this.pending.delete(event.subject);
    } else days.set(event.day, sum);
  }
}
