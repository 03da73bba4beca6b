import {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  GatewayError,
} from '@app/contracts';
import type { WorkerConfig } from '@app/config';
import type { Llama, LlamaChat, LlamaContext, LlamaModel } from 'node-llama-cpp' with {
  'resolution-mode': 'import',
};
import { getLlamaRuntime, loadNodeLlamaCpp, resolveGgufModelPath } from '../llama/llama-runtime';
import { AsyncPushQueue } from './async-push-queue';
import {
  chatCompletion,
  contentChunk,
  finishChunk,
  newResponseIdentity,
  roleChunk,
  toolCallChunks,
  usageChunk,
} from './chat-completion-builders';
import { ChatEngine, GenerationHooks, ModelStatus } from './chat-engine';
import {
  ChatGenerationResult,
  generateChatResponse,
  PreparedChatRequest,
  prepareChatRequest,
} from './llama-chat-generation';
import { ResourcePool } from './resource-pool';
import { LazyModel } from '../loading/lazy-model';

export interface LlamaChatEngineOptions {
  /** GGUF file path, or an `hf:` URI / URL. Undefined: the engine reports "not_configured". */
  model?: string;
  /** The name responses carry in `model`. */
  modelName: string;
  /** Requests generated at once (context sequences). @defaultValue 1 */
  concurrency?: number;
  /** CPU threads for evaluation; the library default oversubscribes small machines. @defaultValue 2 */
  threads?: number;
  /** Context size per sequence, in tokens. @defaultValue 4096 */
  contextSize?: number;
  /** Used when a request has no system/developer message. @defaultValue none */
  systemPrompt?: string;
  /** Temperature when the request gives none (llama.cpp server's default). @defaultValue 0.8 */
  defaultTemperature?: number;
  /** Where relative model names resolve and downloads go. @defaultValue node-llama-cpp's folder */
  modelsDirectory?: string;
  /** Download `hf:` / https models missing on disk. @defaultValue false */
  allowDownload?: boolean;
}

export function llamaChatEngineOptionsFromConfig(config: WorkerConfig): LlamaChatEngineOptions {
  return {
    model: config.llmModelPath,
    modelName: config.chatModelName,
    concurrency: config.llmConcurrency,
    threads: config.llmThreads,
    contextSize: config.llmContextSize,
    systemPrompt: config.llmSystemPrompt,
    modelsDirectory: config.modelsDir,
    allowDownload: config.allowRemoteModels,
  };
}

interface LoadedChatModel {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  chats: ResourcePool<LlamaChat>;
}

/** A local chat model on node-llama-cpp: one context, one sequence per concurrent request. */
export class LlamaChatEngine implements ChatEngine {
  readonly modelName: string;
  private readonly model: LazyModel<LoadedChatModel>;

  constructor(private readonly options: LlamaChatEngineOptions) {
    this.modelName = options.modelName;
    this.model = new LazyModel(
      options.model,
      (reference) => this.loadModel(reference),
      'local chat model is configured (set WORKER_LLM_MODEL_PATH)',
    );
  }

  static fromConfig(config: WorkerConfig): LlamaChatEngine {
    return new LlamaChatEngine(llamaChatEngineOptionsFromConfig(config));
  }

  status(): ModelStatus {
    return this.model.status();
  }

  async load(): Promise<void> {
    await this.model.get();
  }

  async complete(
    request: ChatCompletionRequest,
    signal?: AbortSignal,
    hooks?: GenerationHooks,
  ): Promise<ChatCompletion> {
    const loaded = await this.model.get();
    const prepared = await this.prepare(loaded, request);
    const identity = newResponseIdentity(this.modelName);
    const result = await this.withChat(loaded, signal, (chat) =>
      generateChatResponse(chat, prepared, signal, undefined, hooks),
    );
    return chatCompletion(
      identity,
      result.content,
      result.finishReason,
      result.usage,
      result.toolCalls,
    );
  }

  async *stream(
    request: ChatCompletionRequest,
    signal?: AbortSignal,
    hooks?: GenerationHooks,
  ): AsyncIterable<ChatCompletionChunk> {
    const loaded = await this.model.get();
    const prepared = await this.prepare(loaded, request);
    const identity = newResponseIdentity(this.modelName);
    // Aborted by the caller's signal, or by us when the consumer stops iterating early.
    const stopGeneration = new AbortController();
    const generationSignal = signal
      ? AbortSignal.any([signal, stopGeneration.signal])
      : stopGeneration.signal;
    // The role chunk goes out only once a sequence is ours: a queued request has not started.
    const chat = await loaded.chats.acquire(generationSignal);
    const texts = new AsyncPushQueue<string>();
    // With tools the text is constrained JSON: it goes out once read, as content or tool calls.
    const generation = generateChatResponse(
      chat,
      prepared,
      generationSignal,
      prepared.tools ? undefined : (text) => texts.push(text),
      hooks,
    );
    generation.then(
      () => texts.end(),
      (error: unknown) => texts.fail(error),
    );
    try {
      yield roleChunk(identity);
      for await (const text of texts) {
        if (text !== '') yield contentChunk(identity, text);
      }
      const result: ChatGenerationResult = await generation;
      if (result.toolCalls) yield* toolCallChunks(identity, result.toolCalls);
      else if (prepared.tools && result.content) yield contentChunk(identity, result.content);
      yield finishChunk(identity, result.finishReason);
      if (request.stream_options?.include_usage) yield usageChunk(identity, result.usage);
    } finally {
      stopGeneration.abort();
      await generation.catch(() => undefined);
      loaded.chats.release(chat);
    }
  }

  async close(): Promise<void> {
    await this.model.unload(async (loaded) => {
      loaded.chats.rejectWaiting(
        new GatewayError(503, 'The local model was closed', 'service_unavailable'),
      );
      await loaded.context.dispose();
      await loaded.model.dispose();
    });
  }

  private prepare(
    loaded: LoadedChatModel,
    request: ChatCompletionRequest,
  ): Promise<PreparedChatRequest> {
    return prepareChatRequest(loaded.llama, request, {
      defaultSystemPrompt: this.options.systemPrompt,
      defaultTemperature: this.options.defaultTemperature ?? 0.8,
    });
  }

  private async withChat<T>(
    loaded: LoadedChatModel,
    signal: AbortSignal | undefined,
    work: (chat: LlamaChat) => Promise<T>,
  ): Promise<T> {
    const chat = await loaded.chats.acquire(signal);
    try {
      return await work(chat);
    } finally {
      loaded.chats.release(chat);
    }
  }

  private async loadModel(modelReference: string): Promise<LoadedChatModel> {
    const [llama, { LlamaChat }] = await Promise.all([getLlamaRuntime(), loadNodeLlamaCpp()]);
    const modelPath = await resolveGgufModelPath(modelReference, this.options);
    const model = await llama.loadModel({ modelPath });
    const concurrency = this.options.concurrency ?? 1;
    const context = await model.createContext({
      contextSize: this.options.contextSize ?? 4096,
      sequences: concurrency,
      threads: this.options.threads ?? 2,
    });
    const chats = Array.from(
      { length: concurrency },
      () => new LlamaChat({ contextSequence: context.getSequence() }),
    );
    return { llama, model, context, chats: new ResourcePool(chats) };
  }
}

/** The worker's chat engine, from its configuration (reports "not_configured" without a model). */
export function createChatEngine(config: WorkerConfig): ChatEngine {
  return LlamaChatEngine.fromConfig(config);
}
