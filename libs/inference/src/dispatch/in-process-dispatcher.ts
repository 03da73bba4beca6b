import type {
  ChatCompletion,
  ChatCompletionChunk,
  EmbeddingsResult,
  LocalChatJob,
  LocalEmbeddingsJob,
} from '@app/contracts';
import type { ChatEngine } from '../chat/chat-engine';
import type { Embedder } from '../embeddings/embedder';
import type { DispatchHooks, LocalDispatcher, LocalDispatcherStatus } from './local-dispatcher';
import { abortedError, errorFromLocalJob, toLocalJobError } from './local-job-errors';

/**
 * Embedded mode (no Redis): runs local work on models in this process. Models load on first use
 * (the engine and embedder load lazily), so a gateway without a model path boots as fast as ever.
 */
export class InProcessDispatcher implements LocalDispatcher {
  private chatsInFlight = 0;

  /** @param chatConcurrency requests the engine serves at once; the rest wait (queue depth). */
  constructor(
    private readonly engine: ChatEngine,
    private readonly embedder: Embedder,
    private readonly chatConcurrency: number,
  ) {}

  async complete(
    job: LocalChatJob,
    signal: AbortSignal,
    hooks: DispatchHooks = {},
  ): Promise<ChatCompletion> {
    this.chatsInFlight += 1;
    try {
      hooks.onStarted?.();
      return await this.engine.complete(job.request, signal);
    } catch (error) {
      throw this.normalize(error, signal);
    } finally {
      this.chatsInFlight -= 1;
    }
  }

  async *stream(
    job: LocalChatJob,
    signal: AbortSignal,
    hooks: DispatchHooks = {},
  ): AsyncIterable<ChatCompletionChunk> {
    this.chatsInFlight += 1;
    try {
      hooks.onStarted?.();
      yield* this.engine.stream(job.request, signal);
    } catch (error) {
      throw this.normalize(error, signal);
    } finally {
      this.chatsInFlight -= 1;
    }
  }

  async embed(job: LocalEmbeddingsJob, signal: AbortSignal): Promise<EmbeddingsResult> {
    try {
      const [vectors, promptTokens] = await Promise.all([
        this.embedder.embed(job.input, signal),
        this.embedder.countTokens(job.input),
      ]);
      return { model: job.model, vectors, promptTokens };
    } catch (error) {
      throw this.normalize(error, signal);
    }
  }

  async queueDepth(): Promise<number> {
    return Math.max(0, this.chatsInFlight - this.chatConcurrency);
  }

  async status(): Promise<LocalDispatcherStatus> {
    return {
      mode: 'in-process',
      queueDepth: await this.queueDepth(),
      models: { chat: this.engine.status(), embeddings: this.embedder.status() },
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.engine.close(), this.embedder.close()]);
  }

  /** The same error contract as the BullMQ path: 4xx GatewayError, otherwise ProviderError. */
  private normalize(error: unknown, signal: AbortSignal): Error {
    if (signal.aborted) return abortedError();
    return errorFromLocalJob(toLocalJobError(error));
  }
}
