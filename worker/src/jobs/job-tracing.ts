import { QUEUE_NAMES, type ChatCompletion, type Usage } from '@app/contracts';
import type { LocalQueueKey } from '@app/inference/dispatch';
import type { ChatEngine, GenerationHooks } from '@app/inference';
import type { RagSearchHooks } from '@app/inference/rag/rag-service';
import { GATEWAY, GEN_AI, NOOP_SPAN, withSpan, type Tracing, type TraceSpan } from '@app/tracing';
import type { Job } from 'bullmq';

interface TracedJobData {
  requestId?: string;
  trace?: Record<string, string>;
}

/**
 * The spans of one job, in the trace of the gateway attempt that queued it (its `trace` carries
 * that attempt's `traceparent`): `queue wait` from when the job was added to when this worker
 * took it, then the job itself (a consumer span). Tracing off: the no-op span, nothing built.
 */
export function startJobSpan(
  tracing: Tracing,
  queue: LocalQueueKey,
  job: Job<TracedJobData>,
): TraceSpan {
  if (!tracing.enabled) return NOOP_SPAN;
  const carrier = job.data.trace;
  const destination = QUEUE_NAMES[queue];
  const attributes = {
    'messaging.system': 'bullmq',
    [GATEWAY.queue]: destination,
    [GATEWAY.jobId]: String(job.id),
    [GATEWAY.jobAttempt]: job.attemptsMade + 1,
    [GATEWAY.requestId]: job.data.requestId,
  };
  const taken = job.processedOn ?? Date.now();
  tracing
    .startSpan('queue wait', carrier, { startTime: job.timestamp, attributes })
    .end(Math.max(taken, job.timestamp));
  return tracing.startSpan(`process ${destination}`, carrier, {
    kind: 'consumer',
    attributes: { ...attributes, 'messaging.operation.type': 'process' },
  });
}

/**
 * The model's part of a chat job as spans: `model load` (only when this job waits for it),
 * `prompt eval` (until the first token) and `generation` (the rest), with the GenAI attributes
 * of the answer on the job's span.
 */
export class GenerationSpans {
  private phase: TraceSpan = NOOP_SPAN;

  constructor(private readonly job: TraceSpan) {}

  async loadModel(engine: ChatEngine): Promise<void> {
    if (this.job === NOOP_SPAN || engine.status().state === 'ready') return;
    await withSpan(this.job, 'model load', () => engine.load());
  }

  /** Starts `prompt eval`; the hooks start `generation` at the first token. */
  hooks(engine: ChatEngine): GenerationHooks | undefined {
    if (this.job === NOOP_SPAN) return undefined;
    this.job.setAll({
      [GEN_AI.operationName]: 'chat',
      [GEN_AI.providerName]: 'llama.cpp',
      [GEN_AI.requestModel]: engine.modelName,
    });
    this.phase = this.job.child('prompt eval');
    return {
      onPromptEvaluated: () => {
        this.phase.end();
        this.phase = this.job.child('generation');
      },
    };
  }

  finishCompletion(completion: ChatCompletion): void {
    if (this.job === NOOP_SPAN) return;
    this.finish({
      usage: completion.usage,
      model: completion.model,
      finishReasons: (completion.choices ?? [])
        .map((choice) => choice.finish_reason)
        .filter((reason): reason is NonNullable<typeof reason> => Boolean(reason)),
    });
  }

  finish(answer: { usage?: Usage | null; finishReasons?: string[]; model?: string }): void {
    this.phase.end();
    this.phase = NOOP_SPAN;
    this.job.setAll({
      [GEN_AI.responseModel]: answer.model,
      [GEN_AI.inputTokens]: answer.usage?.prompt_tokens,
      [GEN_AI.outputTokens]: answer.usage?.completion_tokens,
      [GEN_AI.finishReasons]: answer.finishReasons,
    });
  }

  /** Ends an open phase when the job failed. */
  abandon(): void {
    this.phase.end();
    this.phase = NOOP_SPAN;
  }
}

/** A RAG search job as `rag embed` (the query's embedding) then `vector search` (the index). */
export class RagSearchSpans {
  private phase: TraceSpan = NOOP_SPAN;

  constructor(private readonly job: TraceSpan) {}

  hooks(): RagSearchHooks | undefined {
    if (this.job === NOOP_SPAN) return undefined;
    return {
      onEmbedding: () => (this.phase = this.job.child('rag embed')),
      onEmbedded: () => {
        this.phase.end();
        this.phase = this.job.child('vector search');
      },
    };
  }

  end(): void {
    this.phase.end();
    this.phase = NOOP_SPAN;
  }
}
