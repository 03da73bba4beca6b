import { randomUUID } from 'node:crypto';
import {
  streamKeyForJob,
  type ChatCompletion,
  type LocalChatJob,
  type LocalEmbeddingsJob,
  type LocalEmbeddingsResult,
  type LocalJobError,
  type LocalJobOutcome,
  type LocalRagJob,
  type StreamEvent,
  type Usage,
} from '@app/contracts';
import {
  appendStreamEvent,
  CANCELLED_STATUS,
  encodeFloat32Base64,
  isCancellationAnnounced,
  isRequestFault,
  sendJobReply,
  toLocalJobError,
} from '@app/inference/dispatch';
import { runRagOperation } from '@app/inference/rag/rag-operations';
import type { RagService } from '@app/inference/rag/rag-service';
import { NOOP_SPAN, type TraceSpan } from '@app/tracing';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WorkerMetrics } from '../metrics/worker-metrics';
import type { LocalModels } from '../models/local-models';
import { GenerationSpans, RagSearchSpans } from './job-tracing';

export interface ProcessorContext {
  redis: Redis;
  queuePrefix: string;
  models: LocalModels;
  metrics: WorkerMetrics;
  /** The worker's RAG collections (the same service its HTTP port serves). */
  rag: RagService;
}

/**
 * BullMQ passes the signal only to processors that declare three parameters. The fourth, the
 * job's span, is given by the consumers' wrapper (`instrumented`), never by BullMQ.
 */
export type LocalJobProcessor<Data, Value> = (
  job: Job<Data>,
  token: string | undefined,
  signal: AbortSignal | undefined,
  span?: TraceSpan,
) => Promise<LocalJobOutcome<Value>>;

const CANCELLED: LocalJobError = {
  status: CANCELLED_STATUS,
  message: 'the job was cancelled',
  code: 'cancelled',
};

function expiry(job: Job<{ deadline: number }>): LocalJobError | undefined {
  if (Date.now() <= job.data.deadline) return undefined;
  return {
    status: 504,
    message: 'the gateway stopped waiting before a worker started the job',
    code: 'job_expired',
  };
}

/** A job nobody waits for any more: its deadline passed, or its client went away before it started. */
async function refusal(
  job: Job<{ deadline: number }>,
  context: ProcessorContext,
): Promise<LocalJobError | undefined> {
  const expired = expiry(job);
  if (expired) return expired;
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

/**
 * Runs a job unless it expired or was cancelled before it started. The cancel marker is looked up
 * while the model starts, not before: its round trip is off the job's path, and a job found
 * cancelled is stopped through its signal a moment later.
 */
async function runUnlessRefused<T>(
  job: Job<{ deadline: number }>,
  context: ProcessorContext,
  signal: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<LocalJobOutcome<T>> {
  const expired = expiry(job);
  if (expired) return { ok: false, error: expired };
  const cancellation = new AbortController();
  const workSignal = signal ? AbortSignal.any([signal, cancellation.signal]) : cancellation.signal;
  // A failed lookup cancels nothing: the work is not thrown away for it.
  const announced = isCancellationAnnounced(
    context.redis,
    context.queuePrefix,
    String(job.id),
  ).catch(() => false);
  void announced.then((cancelled) => cancelled && cancellation.abort());
  const outcome = await runToOutcome(() => work(workSignal), workSignal);
  if (await announced) return { ok: false, error: CANCELLED };
  return outcome;
}

/**
 * A job whose gateway waits on a reply list (`replyTo`) gets its outcome there the moment it is
 * known, before BullMQ marks the job completed. BullMQ then keeps only `{ ok: true, value: null }`
 * or the error: completions and vectors are not copied into its job hash and events stream.
 */
function replying<Data extends { replyTo?: string }, Value>(
  context: ProcessorContext,
  processor: LocalJobProcessor<Data, Value>,
): LocalJobProcessor<Data, Value | null> {
  return async (job, token, signal, span) => {
    const outcome = await processor(job, token, signal, span);
    if (!job.data.replyTo) return outcome;
    await sendJobReply(context.redis, job.data.replyTo, { jobId: String(job.id), outcome });
    return outcome.ok ? { ok: true, value: null } : outcome;
  };
}

export function chatProcessor(
  context: ProcessorContext,
): LocalJobProcessor<LocalChatJob, ChatCompletion | null> {
  return replying(context, async (job, _token, signal, span = NOOP_SPAN) => {
    const started = performance.now();
    const engine = context.models.chat;
    const spans = new GenerationSpans(span);
    const outcome = await runUnlessRefused(job, context, signal, async (workSignal) => {
      await spans.loadModel(engine);
      const completion = await engine.complete(job.data.request, workSignal, spans.hooks(engine));
      spans.finishCompletion(completion);
      return completion;
    });
    spans.abandon();
    if (outcome.ok) {
      const seconds = (performance.now() - started) / 1000;
      context.metrics.recordGeneration(
        'chat',
        outcome.value.usage?.completion_tokens ?? 0,
        seconds,
      );
    }
    return outcome;
  });
}

export function embeddingsProcessor(
  context: ProcessorContext,
): LocalJobProcessor<LocalEmbeddingsJob, LocalEmbeddingsResult | null> {
  return replying(context, async (job, _token, signal) => {
    const { model, input } = job.data;
    return runUnlessRefused(job, context, signal, async (workSignal) => {
      const embedder = context.models.embeddings;
      const [vectors, promptTokens] = await Promise.all([
        embedder.embed(input, workSignal),
        embedder.countTokens(input),
      ]);
      return { model, vectorsBase64: vectors.map(encodeFloat32Base64), promptTokens };
    });
  });
}

/** One RAG operation on this worker's collections; its outcome goes back on the reply list. */
export function ragProcessor(context: ProcessorContext): LocalJobProcessor<LocalRagJob, unknown> {
  return replying(context, async (job, _token, signal, span = NOOP_SPAN) => {
    const spans = new RagSearchSpans(span);
    try {
      return await runUnlessRefused(job, context, signal, (workSignal) =>
        runRagOperation(context.rag, job.data.rag, workSignal, spans.hooks()),
      );
    } finally {
      spans.end();
    }
  });
}

/**
 * Streams chunks into the job's Redis Stream, tagged with this run's lock token so the gateway
 * can tell a retry by another worker from this run. On the last attempt (or an error a retry
 * cannot fix) the error is written to the stream too, so the reader ends at once.
 */
export function chatStreamProcessor(
  context: ProcessorContext,
): LocalJobProcessor<LocalChatJob, null> {
  return async (job, token, signal, span = NOOP_SPAN) => {
    const key = streamKeyForJob(context.queuePrefix, String(job.id));
    const run = token ?? randomUUID();
    const write = (event: StreamEvent) => appendStreamEvent(context.redis, key, run, event);
    const refused = await refusal(job, context);
    if (refused) {
      await write({ type: 'error', error: refused });
      return { ok: false, error: refused };
    }
    try {
      await streamChunks(job, signal, context, write, new GenerationSpans(span));
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
  spans: GenerationSpans,
): Promise<void> {
  const started = performance.now();
  const engine = context.models.chat;
  const finishReasons: string[] = [];
  let usage: Usage | undefined;
  try {
    await spans.loadModel(engine);
    for await (const chunk of engine.stream(job.data.request, signal, spans.hooks(engine))) {
      await write({ type: 'chunk', chunk });
      for (const choice of chunk.choices)
        if (choice.finish_reason) finishReasons.push(choice.finish_reason);
      if (chunk.usage) {
        usage = chunk.usage;
        context.metrics.recordGeneration(
          'chatStream',
          chunk.usage.completion_tokens,
          (performance.now() - started) / 1000,
        );
      }
    }
    spans.finish({ usage, finishReasons, model: engine.modelName });
  } finally {
    spans.abandon();
  }
}
