import type {
  ChatCompletion,
  ChatCompletionChunk,
  EmbeddingsResult,
  LocalChatJob,
  LocalEmbeddingsJob,
  LocalRagJob,
  RagOperation,
} from '@app/contracts';
import type {
  DispatchHooks,
  LocalDispatcher,
  LocalDispatcherStatus,
} from '@app/inference/dispatch';
import type { RagResultOf } from '@app/inference/rag/rag-operations';

/**
 * A dispatcher created on first use. RAG routes exist on every gateway, but a gateway that never
 * serves them (and has no local provider) should open no queue connection and load no model code.
 */
export class LazyLocalDispatcher implements LocalDispatcher {
  private instance: LocalDispatcher | undefined;

  constructor(private readonly create: () => LocalDispatcher) {}

  /** Creates it now (a configured local provider wants its connections up at boot). */
  open(): this {
    void this.target;
    return this;
  }

  private get target(): LocalDispatcher {
    return (this.instance ??= this.create());
  }

  complete(job: LocalChatJob, signal: AbortSignal, hooks?: DispatchHooks): Promise<ChatCompletion> {
    return this.target.complete(job, signal, hooks);
  }

  stream(job: LocalChatJob, signal: AbortSignal): AsyncIterable<ChatCompletionChunk> {
    return this.target.stream(job, signal);
  }

  embed(job: LocalEmbeddingsJob, signal: AbortSignal): Promise<EmbeddingsResult> {
    return this.target.embed(job, signal);
  }

  rag<Operation extends RagOperation>(
    job: LocalRagJob & { rag: Operation },
    signal: AbortSignal,
  ): Promise<RagResultOf<Operation['operation']>> {
    return this.target.rag(job, signal);
  }

  queueDepth(): Promise<number> {
    return this.target.queueDepth();
  }

  status(): Promise<LocalDispatcherStatus> {
    return this.target.status();
  }

  async close(): Promise<void> {
    const instance = this.instance;
    this.instance = undefined;
    await instance?.close();
  }
}
