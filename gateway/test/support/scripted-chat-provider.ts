import type { ProviderConfig } from '@app/config';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsResult,
  ProviderError,
} from '@app/contracts';
import {
  chatCompletion,
  contentChunk,
  newResponseIdentity,
  roleChunk,
  usageOf,
} from '@app/inference/chat/chat-completion-builders';
import type { ChatProvider, ProviderCallContext } from '../../src/providers/chat-provider';

export interface ScriptedChatProviderOptions {
  id: string;
  /** @defaultValue "openai-compatible" */
  type?: ProviderConfig['type'];
  /** @defaultValue `${id}-default-model` */
  defaultModel?: string;
  /** Concrete models clients may name. @defaultValue [] */
  models?: string[];
  embeddingModel?: string;
  /** Other names that pin this provider. @defaultValue [] */
  aliases?: string[];
  /** Give the provider an embeddings API (`embed`). @defaultValue false */
  embeddings?: boolean;
}

/** A call the provider received. */
export interface ScriptedCall {
  method: 'chat' | 'stream' | 'embed';
  model: string;
  request: unknown;
}

/** A held call: the test decides when and how it ends. */
export interface HeldCall {
  /** Resolves once the provider has been called. */
  readonly started: Promise<void>;
  answer(text: string): void;
  fail(error: ProviderError): void;
}

type Outcome = { kind: 'answer'; text: string } | { kind: 'fail'; error: ProviderError };
type Turn = Outcome | { kind: 'held'; outcome: Promise<Outcome>; markStarted: () => void };

/**
 * An in-memory `ChatProvider` for unit tests: no network. Each call takes the next scripted turn
 * (an answer, a `ProviderError`, or a held call the test ends itself); with the script used up it
 * answers `"<id> answers <model>"`. Every call is recorded in `calls`.
 */
export class ScriptedChatProvider implements ChatProvider {
  readonly id: string;
  readonly type: ProviderConfig['type'];
  readonly config: ProviderConfig;
  readonly calls: ScriptedCall[] = [];
  readonly embed?: ChatProvider['embed'];
  private readonly script: Turn[] = [];

  constructor(options: ScriptedChatProviderOptions) {
    this.id = options.id;
    this.type = options.type ?? 'openai-compatible';
    this.config = {
      id: options.id,
      type: this.type,
      defaultModel: options.defaultModel ?? `${options.id}-default-model`,
      models: options.models ?? [],
      embeddingModel: options.embeddingModel,
      aliases: options.aliases ?? [],
      headers: {},
      options: {},
    };
    if (options.embeddings) this.embed = (request) => this.embedTexts(request);
  }

  answer(...texts: string[]): this {
    for (const text of texts) this.script.push({ kind: 'answer', text });
    return this;
  }

  fail(error: ProviderError): this {
    this.script.push({ kind: 'fail', error });
    return this;
  }

  /** The next call waits until the test answers or fails it. */
  hold(): HeldCall {
    let markStarted!: () => void;
    let settle!: (outcome: Outcome) => void;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
    this.script.push({ kind: 'held', outcome, markStarted });
    return {
      started,
      answer: (text) => settle({ kind: 'answer', text }),
      fail: (error) => settle({ kind: 'fail', error }),
    };
  }

  assertSupported(): void {}

  async chat(
    request: ChatCompletionRequest,
    _context: ProviderCallContext,
  ): Promise<ChatCompletion> {
    this.calls.push({ method: 'chat', model: request.model, request });
    const text = await this.nextAnswer(request.model);
    return chatCompletion(newResponseIdentity(request.model), text, 'stop', usageOf(3, 2));
  }

  async *stream(
    request: ChatCompletionRequest,
    _context: ProviderCallContext,
  ): AsyncIterable<ChatCompletionChunk> {
    this.calls.push({ method: 'stream', model: request.model, request });
    const text = await this.nextAnswer(request.model);
    const identity = newResponseIdentity(request.model);
    yield roleChunk(identity);
    for (const word of text.split(/(?<= )/)) yield contentChunk(identity, word);
    yield {
      ...identity,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
    };
  }

  private async embedTexts(request: {
    model: string;
    input: string[] | number[][];
  }): Promise<EmbeddingsResult> {
    this.calls.push({ method: 'embed', model: request.model, request });
    return {
      model: request.model,
      vectors: request.input.map((_, index) => [index, 1, 0]),
      promptTokens: request.input.length,
    };
  }

  private async nextAnswer(model: string): Promise<string> {
    const turn: Turn = this.script.shift() ?? {
      kind: 'answer',
      text: `${this.id} answers ${model}`,
    };
    if (turn.kind === 'held') turn.markStarted();
    const outcome = turn.kind === 'held' ? await turn.outcome : turn;
    if (outcome.kind === 'fail') throw outcome.error;
    return outcome.text;
  }
}
