import { QUEUE_NAMES, type LocalJobOutcome } from '@app/contracts';
import type { WorkerConfig } from '@app/config';
import { CancellationListener, type LocalQueueKey } from '@app/inference/dispatch';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Tracing } from '@app/tracing';
import type { JobOutcomeLabel, WorkerMetrics } from '../metrics/worker-metrics';
import type { LocalModels } from '../models/local-models';
import type { RagService } from '@app/inference/rag/rag-service';
import {
  chatProcessor,
  chatStreamProcessor,
  embeddingsProcessor,
  ragProcessor,
  type LocalJobProcessor,
  type ProcessorContext,
} from './local-job-processors';
import { startJobSpan } from './job-tracing';

function outcomeLabel(outcome: LocalJobOutcome<unknown>): JobOutcomeLabel {
  if (outcome.ok) return 'completed';
  if (outcome.error.code === 'cancelled') return 'cancelled';
  return outcome.error.code === 'job_expired' ? 'expired' : 'rejected';
}

/** The trace id a job carries (its gateway attempt's `traceparent`), for log lines. */
function traceIdOf(data: unknown): string | undefined {
  const traceparent = (data as { trace?: Record<string, string> } | undefined)?.trace?.traceparent;
  return traceparent?.split('-')[1];
}

/** Metrics and the job's spans around one processor; declares BullMQ's three parameters. */
function instrumented<Data extends { requestId?: string; trace?: Record<string, string> }, Value>(
  queue: LocalQueueKey,
  processor: LocalJobProcessor<Data, Value>,
  metrics: WorkerMetrics,
  tracing: Tracing,
): LocalJobProcessor<Data, Value> {
  return async (job, token, signal) => {
    const finish = metrics.startJob(queue);
    const span = startJobSpan(tracing, queue, job);
    try {
      const outcome = await processor(job, token, signal, span);
      const label = outcomeLabel(outcome);
      finish(label);
      span.set('gateway.job.outcome', label);
      if (!outcome.ok) span.fail(outcome.error.code ?? String(outcome.error.status));
      return outcome;
    } catch (error) {
      finish('failed');
      span.set('gateway.job.outcome', 'failed').fail('_OTHER', (error as Error)?.message);
      throw error;
    } finally {
      span.end();
    }
  };
}

/**
 * The BullMQ consumers of the local queues. A killed worker's jobs are handed to another worker
 * once their lock lapses (`lockDuration`, checked every `stalledInterval`); a job stalled twice
 * fails for good (`maxStalledCount: 1`) so a job that crashes every worker cannot loop forever.
 */
export class LocalJobConsumers {
  private workers: Worker[] = [];
  private cancellations: CancellationListener | undefined;
  private jobCommands: Redis | undefined;

  constructor(
    private readonly config: WorkerConfig,
    private readonly redis: Redis,
    private readonly models: LocalModels,
    private readonly metrics: WorkerMetrics,
    private readonly rag: RagService,
    private readonly logger: Logger,
    private readonly tracing: Tracing,
  ) {}

  async start(): Promise<void> {
    // The jobs' own commands (cancel markers, replies, result streams) get a connection of their
    // own: BullMQ defines ~50 scripts on its connection, which makes each ioredis pipeline there
    // cost ~30 µs more (measured), and a reply need not queue behind BullMQ's bookkeeping.
    this.jobCommands = this.redis.duplicate();
    const context: ProcessorContext = {
      redis: this.jobCommands,
      queuePrefix: this.config.queuePrefix,
      models: this.models,
      metrics: this.metrics,
      rag: this.rag,
    };
    const chatConcurrency = this.config.llmConcurrency;
    this.workers = [
      this.consume(
        'chat',
        instrumented('chat', chatProcessor(context), this.metrics, this.tracing),
        chatConcurrency,
      ),
      this.consume(
        'chatStream',
        instrumented('chatStream', chatStreamProcessor(context), this.metrics, this.tracing),
        chatConcurrency,
      ),
      this.consume(
        'embeddings',
        instrumented('embeddings', embeddingsProcessor(context), this.metrics, this.tracing),
        1,
      ),
      // One RAG job at a time per worker: several workers may share one data directory (a lock
      // file per collection serializes their writes), and every worker consuming this queue must
      // see the same directory, or jobs land on different copies.
      this.consume(
        'rag',
        instrumented('rag', ragProcessor(context), this.metrics, this.tracing),
        1,
      ),
    ];
    this.cancellations = await CancellationListener.start(
      this.redis.duplicate(),
      this.config.queuePrefix,
      (jobId) => {
        for (const worker of this.workers) worker.cancelJob(jobId, 'cancelled by the gateway');
      },
    );
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
  }

  /**
   * Stops taking jobs and lets running ones finish for up to `graceMs`. Jobs still running after
   * that are left locked: once the process exits their lock lapses and another worker retries them.
   * @returns whether every running job finished in time
   */
  async stop(graceMs: number): Promise<boolean> {
    await this.cancellations?.close();
    const closing = Promise.all(this.workers.map((worker) => worker.close()));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<false>(
      (resolve) => (timer = setTimeout(() => resolve(false), graceMs)),
    );
    const finished = await Promise.race([closing.then(() => true), graceOver]);
    clearTimeout(timer);
    await this.jobCommands?.quit().catch(() => undefined);
    return finished;
  }

  private consume<Data, Value>(
    queue: LocalQueueKey,
    processor: LocalJobProcessor<Data, Value>,
    concurrency: number,
  ): Worker {
    const worker = new Worker<Data, LocalJobOutcome<Value>>(QUEUE_NAMES[queue], processor, {
      connection: this.redis,
      prefix: this.config.queuePrefix,
      concurrency,
      lockDuration: this.config.lockDurationMs,
      stalledInterval: this.config.stalledIntervalMs,
      maxStalledCount: 1,
    });
    worker.on('failed', (job, error) =>
      this.logger.warn(
        {
          queue,
          jobId: job?.id,
          attempt: job?.attemptsMade,
          err: error.message,
          trace_id: traceIdOf(job?.data),
        },
        'job failed',
      ),
    );
    worker.on('error', (error) => this.logger.error({ queue, err: error.message }, 'worker error'));
    return worker;
  }
}
