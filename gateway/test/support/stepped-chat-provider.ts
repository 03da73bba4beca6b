import {
  ProviderError,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type EmbeddingsResult,
} from '@app/contracts';
import type { ProviderConfig } from '@app/config';
import type { ChatProvider, ProviderCallContext } from '../../src/providers/chat-provider';

/**
 * What one call to a scripted provider does. Steps are taken in order, one per call; the last
 * step repeats once the script runs out.
 */
export type ScriptStep =
  /** Answers (a completion, or a stream of these words) after `delayMs`. */
  | { answer: string; delayMs?: number }
  /** Throws this error (after `delayMs`). */
  | { fail: Error; delayMs?: number }
  /** Never answers; rejects when the attempt's signal aborts (a black-holed upstream). */
  | { hang: true }
  /** Reports its headers (`markFirstByte`), then never sends the body. */
  | { stallAfterHeaders: true }
  /** Reports that it started (`markStarted`, like a picked-up local job), answers after `delayMs`. */
  | { startThenAnswer: string; delayMs: number }
  /** Streams these words, then fails with `error` (or hangs when `error` is absent). */
  | { streamThenBreak: string[]; error?: Error };

export interface RecordedCall {
  request: ChatCompletionRequest;
  context: ProviderCallContext;
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Rejects with the attempt's abort reason once `signal` aborts. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () =>
      reject(
        signal.reason instanceof ProviderError
          ? signal.reason
          : new ProviderError('aborted', { kind: 'aborted' }),
      );
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

function completion(model: string, text: string): ChatCompletion {
  return {
    id: 'chatcmpl-scripted',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  } as ChatCompletion;
}

function chunk(model: string, content: string, finish = false): ChatCompletionChunk {
  return {
    id: 'chatcmpl-scripted',
    object: 'chat.completion.chunk',
    created: 0,
    model,
    choices: [{ index: 0, delta: { content }, finish_reason: finish ? 'stop' : null }],
  } as ChatCompletionChunk;
}

/**
 * An in-memory `ChatProvider` that follows a script, for unit specs of the router and the
 * executor: answers, failures, black holes and stalls, on the same signals and callbacks a real
 * adapter uses. Records every call.
 */
export class SteppedChatProvider implements ChatProvider {
  readonly type = 'openai-compatible' as const;
  readonly config: ProviderConfig;
  readonly calls: RecordedCall[] = [];
  /** Signals of streams the router stopped consuming (or that ended). */
  readonly closedStreams: AbortSignal[] = [];
  /** When set, `assertSupported` throws it (the provider cannot honour a field). */
  rejectFields: Error | undefined;
  private readonly script: ScriptStep[];

  constructor(
    readonly id: string,
    script: ScriptStep[],
    options: { models?: string[] } = {},
  ) {
    this.script = [...script];
    this.config = {
      id,
      type: 'openai-compatible',
      defaultModel: `${id}-model`,
      models: options.models ?? [`${id}-model`],
      embeddingModel: `${id}-embed`,
      aliases: [],
      headers: {},
      options: {},
    };
  }

  /** Makes this provider one without an embeddings API (`embed` absent, as the router checks). */
  withoutEmbeddings(): this {
    Object.defineProperty(this, 'embed', { value: undefined });
    return this;
  }

  /** Replaces what the next calls do. */
  then(...steps: ScriptStep[]): this {
    this.script.splice(0, this.script.length, ...steps);
    return this;
  }

  assertSupported(): void {
    if (this.rejectFields) throw this.rejectFields;
  }

  async chat(request: ChatCompletionRequest, context: ProviderCallContext) {
    const step = this.take(request, context);
    if ('answer' in step) {
      if (step.delayMs)
        await Promise.race([sleep(step.delayMs), untilAborted(context.abort.signal)]);
      return completion(request.model, step.answer);
    }
    if ('startThenAnswer' in step) {
      context.markStarted?.();
      await Promise.race([sleep(step.delayMs), untilAborted(context.abort.signal)]);
      return completion(request.model, step.startThenAnswer);
    }
    if ('stallAfterHeaders' in step) context.markFirstByte?.();
    return this.failOrHang(step, context.abort.signal);
  }

  async *stream(
    request: ChatCompletionRequest,
    context: ProviderCallContext,
  ): AsyncIterable<ChatCompletionChunk> {
    const step = this.take(request, context);
    try {
      if ('answer' in step) {
        const words = step.answer.split(' ');
        for (const [index, word] of words.entries()) {
          if (step.delayMs)
            await Promise.race([sleep(step.delayMs), untilAborted(context.abort.signal)]);
          yield chunk(request.model, word, index === words.length - 1);
        }
        return;
      }
      if ('streamThenBreak' in step) {
        for (const word of step.streamThenBreak) yield chunk(request.model, word);
        if (step.error) throw step.error;
        await untilAborted(context.abort.signal);
      }
      await this.failOrHang(step, context.abort.signal);
    } finally {
      this.closedStreams.push(context.abort.signal);
    }
  }

  async embed(
    request: { model: string; input: string[] | number[][] },
    context: ProviderCallContext,
  ): Promise<EmbeddingsResult> {
    const step = this.take({ model: request.model, messages: [] }, context);
    if ('answer' in step)
      return {
        model: request.model,
        vectors: request.input.map(() => [1, 0]),
        promptTokens: 1,
      };
    return this.failOrHang(step, context.abort.signal);
  }

  private take(request: ChatCompletionRequest, context: ProviderCallContext): ScriptStep {
    this.calls.push({ request, context });
    return (this.script.length > 1 ? this.script.shift() : this.script[0])!;
  }

  private async failOrHang(step: ScriptStep, signal: AbortSignal): Promise<never> {
    if ('fail' in step) {
      if (step.delayMs) await Promise.race([sleep(step.delayMs), untilAborted(signal)]);
      throw step.fail;
    }
    return untilAborted(signal);
  }
}

/** A provider's own error status, as adapters report it. */
export const httpFailure = (status: number, retryAfterMs?: number) =>
  new ProviderError(`upstream answered HTTP ${status}`, { kind: 'http', status, retryAfterMs });
