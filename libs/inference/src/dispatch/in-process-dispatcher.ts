import type {
  ChatCompletion,
  ChatCompletionChunk,
  EmbeddingsResult,
  LocalChatJob,
  LocalEmbeddingsJob,
  LocalRagJob,
  RagOperation,
} from '@app/contracts';
import type { AppConfig } from '@app/config';
import type { ChatEngine } from '../chat/chat-engine';
import { createChatEngine } from '../chat/llama-chat-engine';
import { createEmbedder } from '../embeddings/create-embedder';
import type { Embedder } from '../embeddings/embedder';
import { runRagOperation, type RagResultOf } from '../rag/rag-operations';
import type { RagService } from '../rag/rag-service';
import type { DispatchHooks, LocalDispatcher, LocalDispatcherStatus } from './local-dispatcher';
import { abortedError, errorFromLocalJob, toLocalJobError } from './local-job-errors';

/**
 * Embedded mode (no Redis): runs local work on models in this process. Models load on first use
 * (the engine and embedder load lazily), so a gateway without a model path boots as fast as ever.
 */
export class InProcessDispatcher implements LocalDispatcher {
  private chatsInFlight = 0;

  /**
   * Embedded mode's dispatcher from configuration: the chat model, the embedder, and RAG
   * collections under `<data dir>/rag/` over that same embedder.
   * @param onRagBackgroundError a failed background checkpoint (the collection stays valid)
   */
  static fromConfig(
    config: Pick<AppConfig, 'worker' | 'rag'>,
    onRagBackgroundError?: (error: unknown, collection: string) => void,
  ): InProcessDispatcher {
    return new InProcessDispatcher(
      createChatEngine(config.worker),
      createEmbedder(config.worker),
      config.worker.llmConcurrency,
      (embedder) => {
        // Required on first RAG use, not imported: the RAG store brings hnswlib.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { RagService } = require('../rag/rag-service') as typeof import('../rag/rag-service');
        return new RagService({
          dataDir: config.worker.dataDir,
          embedder,
          config: config.rag,
          onBackgroundError: onRagBackgroundError,
        });
      },
    );
  }

  private ragService: RagService | undefined;

  /**
   * @param chatConcurrency requests the engine serves at once; the rest wait (queue depth).
   * @param createRag builds the RAG service over the same embedder on first use, so RAG and
   *   local embeddings share one loaded model, and a gateway that never serves RAG loads no index
   *   code.
   */
  constructor(
    private readonly engine: ChatEngine,
    private readonly embedder: Embedder,
    private readonly chatConcurrency: number,
    private readonly createRag?: (embedder: Embedder) => RagService,
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

  async rag<Operation extends RagOperation>(
    job: LocalRagJob & { rag: Operation },
    signal: AbortSignal,
  ): Promise<RagResultOf<Operation['operation']>> {
    if (!this.createRag) throw new Error('this dispatcher serves no RAG collections');
    this.ragService ??= this.createRag(this.embedder);
    try {
      return (await runRagOperation(this.ragService, job.rag, signal)) as RagResultOf<
        Operation['operation']
      >;
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
