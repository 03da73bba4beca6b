import { randomUUID } from 'node:crypto';
import {
  streamKeyForJob,
  type ChatCompletion,
  type LocalChatJob,
  type LocalEmbeddingsJob,
  type LocalEmbeddingsResult,
  type LocalJobError,
  type LocalJobOutcome,
  type StreamEvent,
} from '@app/contracts';
import {
  appendStreamEvent,
  CANCELLED_STATUS,
  isCancellationAnnounced,
  isRequestFault,
  toLocalJobError,
} from '@app/inference/dispatch';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerMetrics } from '../metrics/worker-metrics';
import type { LocalModels } from '../models/local-models';

export interface ProcessorContext {
  redis: Redis;
  queuePrefix: string;
  models: LocalModels;
  metrics: WorkerMetrics;
}

/** BullMQ passes the signal only to processors that declare three parameters. */
export type LocalJobProcessor<Data, Value> = (
  job: Job<Data>,
  token: string | undefined,
  signal: AbortSignal | undefined,
) => Promise<LocalJobOutcome<Value>>;

const CANCELLED: LocalJobError = {
  status: CANCELLED_STATUS,
  message: 'the job was cancelled',
  code: 'cancelled',
};

/** A job nobody waits for any more: its deadline passed, or its client went away before it started. */
async function refusal(
  job: Job<{ deadline: number }>,
  context: ProcessorContext,
): Promise<LocalJobError | undefined> {
  if (Date.now() > job.data.deadline) {
    return {
      status: 504,
      message: 'the gateway stopped waiting before a worker started the job',
      code: 'job_expired',
    };
  }
  if (await isCancellationAnnounced(context.redis, context.queuePrefix, String(job.id)))
    return CANCELLED;
  return undefined;
}

/**
 * Errors a retry cannot fix end the job now (`ok: false`, no retry): a bad request, a missing
 * model, a cancellation. Anything else is thrown so BullMQ retries it (WORKER_JOB_ATTEMPTS).
 */
function finalOutcome(error: unknown, signal: AbortSignal | undefined): LocalJobError | undefined {
  if (signal?.aborted) return CANCELLED;
  const jobError = toLocalJobError(error);
  return isRequestFault(jobError) || jobError.code === 'model_not_configured'
    ? jobError
    : undefined;
}

async function runToOutcome<T>(
  work: () => Promise<T>,
  signal: AbortSignal | undefined,
): Promise<LocalJobOutcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const final = finalOutcome(error, signal);
    if (final) return { ok: false, error: final };
    throw error;
  }
}

export function chatProcessor(
  context: ProcessorContext,
): LocalJobProcessor<LocalChatJob, ChatCompletion> {
  return async (job, _token, signal) => {
    const refused = await refusal(job, context);
    if (refused) return { ok: false, error: refused };
    const started = performance.now();
    const outcome = await runToOutcome(
      () => context.models.chat.complete(job.data.request, signal),
      signal,
    );
    if (outcome.ok) {
      const seconds = (performance.now() - started) / 1000;
      context.metrics.recordGeneration(
        'chat',
        outcome.value.usage?.completion_tokens ?? 0,
        seconds,
      );
    }
    return outcome;
  };
}

export function embeddingsProcessor(
  context: ProcessorContext,
): LocalJobProcessor<LocalEmbeddingsJob, LocalEmbeddingsResult> {
  return async (job, _token, signal) => {
    const refused = await refusal(job, context);
    if (refused) return { ok: false, error: refused };
    const { model, input } = job.data;
    return runToOutcome(async () => {
      const embedder = context.models.embeddings;
      const [vectors, promptTokens] = await Promise.all([
        embedder.embed(input, signal),
        embedder.countTokens(input),
      ]);
      return { model, vectors: vectors.map((vector) => Array.from(vector)), promptTokens };
    }, signal);
  };
}

/**
 * Streams chunks into the job's Redis Stream, tagged with this run's lock token so the gateway
 * can tell a retry by another worker from this run. On the last attempt (or an error a retry
 * cannot fix) the error is written to the stream too, so the reader ends at once.
 */
export function chatStreamProcessor(
  context: ProcessorContext,
): LocalJobProcessor<LocalChatJob, null> {
  return async (job, token, signal) => {
    const key = streamKeyForJob(context.queuePrefix, String(job.id));
    const run = token ?? randomUUID();
    const write = (event: StreamEvent) => appendStreamEvent(context.redis, key, run, event);
    const refused = await refusal(job, context);
    if (refused) {
      await write({ type: 'error', error: refused });
      return { ok: false, error: refused };
    }
    try {
      await streamChunks(job, signal, context, write);
      await write({ type: 'done' });
      return { ok: true, value: null };
    } catch (error) {
      const final = finalOutcome(error, signal);
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final || lastAttempt)
        await write({ type: 'error', error: final ?? toLocalJobError(error) }).catch(
          () => undefined,
        );
      if (final) return { ok: false, error: final };
      throw error;
    }
  };
}

async function streamChunks(
  job: Job<LocalChatJob>,
  signal: AbortSignal | undefined,
  context: ProcessorContext,
  write: (event: StreamEvent) => Promise<void>,
): Promise<void> {
  const started = performance.now();
  for await (const chunk of context.models.chat.stream(job.data.request, signal)) {
    await write({ type: 'chunk', chunk });
    if (chunk.usage) {
      context.metrics.recordGeneration(
        'chatStream',
        chunk.usage.completion_tokens,
        (performance.now() - started) / 1000,
      );
    }
  }
}
