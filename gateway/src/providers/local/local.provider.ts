import {
  GatewayError,
  ProviderError,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type EmbeddingsResult,
  type LocalChatJob,
} from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import type { LocalDispatcher } from '@app/inference/dispatch';
import type { ChatProvider, ProviderCallContext } from '../chat-provider';
import { assertFieldsSupported } from '../shared/field-support';
import { LOCAL_FIELDS } from './local-fields';

/** The attempt's trace context, carried in the job so the worker continues the trace. */
function traceOf(context: ProviderCallContext): { trace?: Record<string, string> } {
  const headers = context.traceHeaders;
  return headers && headers.traceparent ? { trace: { ...headers } } : {};
}

export interface LocalProviderOptions {
  /** Waiting jobs beyond which the provider answers 503 at once (WORKER_MAX_QUEUE). */
  maxQueue: number;
  /** The router's total timeout: the job's deadline, after which a worker drops it. */
  requestTimeoutMs: number;
}

/**
 * The local llama.cpp tier as a normal routing target. Where the work runs (this process or a
 * worker over BullMQ) is the dispatcher's business; this adapter only validates, applies
 * backpressure and builds jobs.
 */
export class LocalProvider implements ChatProvider {
  readonly id: string;
  readonly type = 'local' as const;

  constructor(
    readonly config: ProviderConfig,
    private readonly dispatcher: LocalDispatcher,
    private readonly options: LocalProviderOptions,
  ) {
    this.id = config.id;
  }

  assertSupported(request: ChatCompletionRequest): void {
    assertFieldsSupported(this.id, LOCAL_FIELDS, request);
  }

  async chat(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): Promise<ChatCompletion> {
    await this.assertQueueHasRoom();
    return this.dispatcher.complete(this.chatJob(request, context), context.abort.signal, {
      onStarted: context.markStarted,
      onRequeued: context.markRequeued,
    });
  }

  async *stream(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): AsyncIterable<ChatCompletionChunk> {
    await this.assertQueueHasRoom();
    // Always ask for usage so cost accounting sees it; the router drops the chunk if unasked.
    const streamed = {
      ...request,
      stream: true,
      stream_options: { ...(request.stream_options ?? {}), include_usage: true },
    };
    yield* this.dispatcher.stream(this.chatJob(streamed, context), context.abort.signal, {
      onStarted: context.markStarted,
      onRequeued: context.markRequeued,
    });
  }

  async embed(
    request: { model: string; input: string[] | number[][]; dimensions?: number },
    context: ProviderCallContext,
  ): Promise<EmbeddingsResult> {
    if (request.dimensions !== undefined)
      throw GatewayError.unsupportedField(this.id, 'dimensions');
    const input = request.input;
    if (!input.every((item): item is string => typeof item === 'string')) {
      throw GatewayError.invalidRequest(
        'The local embedder takes text, not token arrays',
        'input',
        'unsupported_input',
      );
    }
    await this.assertQueueHasRoom();
    const job = {
      requestId: context.requestId,
      ...traceOf(context),
      model: request.model,
      input,
      deadline: this.deadline(),
    };
    return this.dispatcher.embed(job, context.abort.signal);
  }

  private chatJob(request: ChatCompletionRequest, context: ProviderCallContext): LocalChatJob {
    return {
      requestId: context.requestId,
      ...traceOf(context),
      request,
      deadline: this.deadline(),
    };
  }

  private deadline(): number {
    return Date.now() + this.options.requestTimeoutMs;
  }

  /** Backpressure: a full queue answers 503 now, so the router falls back instead of waiting. */
  private async assertQueueHasRoom(): Promise<void> {
    let depth: number;
    try {
      depth = await this.dispatcher.queueDepth();
    } catch (error) {
      throw new ProviderError(`local queue unreachable: ${(error as Error).message}`, {
        kind: 'connection',
      });
    }
    if (depth >= this.options.maxQueue) {
      throw new ProviderError(
        `local queue is full (${depth} waiting, limit ${this.options.maxQueue})`,
        {
          kind: 'unavailable',
          status: 503,
          retryable: true,
        },
      );
    }
  }
}
