import type { WorkerConfig } from '@app/config';
import {
  createChatEngine,
  createEmbedder,
  type ChatEngine,
  type Embedder,
  type ModelStatus,
} from '@app/inference';

/** The worker's one chat model and one embedder; each loads on first use unless preloaded. */
export class LocalModels {
  readonly chat: ChatEngine;
  readonly embeddings: Embedder;

  constructor(config: WorkerConfig) {
    this.chat = createChatEngine(config);
    this.embeddings = createEmbedder(config);
  }

  /** WORKER_PRELOAD=true: load what is configured now, so the first job pays no load time. */
  async preload(): Promise<void> {
    const loads = [this.embeddings.load()];
    if (this.chat.status().state !== 'not_configured') loads.push(this.chat.load());
    await Promise.all(loads);
  }

  statuses(): Record<'chat' | 'embeddings', ModelStatus> {
    return { chat: this.chat.status(), embeddings: this.embeddings.status() };
  }

  async close(): Promise<void> {
    await Promise.all([this.chat.close(), this.embeddings.close()]);
  }
}
