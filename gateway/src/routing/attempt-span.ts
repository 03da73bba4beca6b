import type { ChatCompletion, ChatCompletionChunk } from '@app/contracts';
import { GATEWAY, GEN_AI, genAiProviderName, NOOP_SPAN, type TraceSpan } from '@app/tracing';
import type { ResolvedTarget } from './route-resolver';
import type { CallKind } from './router-observer';

/** GenAI `gen_ai.operation.name` of a router call. */
const OPERATIONS: Record<CallKind, string> = {
  chat: 'chat',
  stream: 'chat',
  embeddings: 'embeddings',
  count_tokens: 'count_tokens',
};

/**
 * The client span of one attempt at one target, named as the GenAI conventions ask
 * (`{operation} {model}`). With tracing off the parent is the no-op span and so is this: no
 * attributes are even built.
 */
export function startAttemptSpan(
  parent: TraceSpan,
  kind: CallKind,
  target: ResolvedTarget,
  attempt: number,
  breaker: { snapshot(): { state: string } } | 'open',
): TraceSpan {
  if (parent === NOOP_SPAN) return NOOP_SPAN;
  const operation = OPERATIONS[kind];
  return parent.child(`${operation} ${target.model}`, {
    kind: 'client',
    attributes: {
      [GEN_AI.operationName]: operation,
      [GEN_AI.providerName]: genAiProviderName(target.provider.type),
      [GEN_AI.requestModel]: target.model,
      [GATEWAY.providerId]: target.provider.id,
      [GATEWAY.attempt]: attempt,
      [GATEWAY.breakerState]: breaker === 'open' ? 'open' : breaker.snapshot().state,
    },
  });
}

/** A non-streamed answer's model, id, finish reasons and usage on its attempt span. */
export function describeCompletion(span: TraceSpan, completion: ChatCompletion): void {
  if (!span.recording) return;
  span.setAll({
    [GEN_AI.responseModel]: completion.model,
    [GEN_AI.responseId]: completion.id,
    [GEN_AI.finishReasons]: completion.choices
      .map((choice) => choice.finish_reason)
      .filter((reason): reason is NonNullable<typeof reason> => Boolean(reason)),
    [GEN_AI.inputTokens]: completion.usage?.prompt_tokens,
    [GEN_AI.outputTokens]: completion.usage?.completion_tokens,
  });
}

/** Collects what a stream tells about its answer as its chunks pass, for its attempt span. */
export class StreamSpanFacts {
  private readonly finishReasons: string[] = [];
  private model: string | undefined;
  private inputTokens: number | undefined;
  private outputTokens: number | undefined;

  constructor(private readonly span: TraceSpan) {}

  add(chunk: ChatCompletionChunk): void {
    if (!this.span.recording) return;
    this.model ??= chunk.model;
    for (const choice of chunk.choices) {
      if (choice.finish_reason) this.finishReasons.push(choice.finish_reason);
    }
    if (chunk.usage) {
      this.inputTokens = chunk.usage.prompt_tokens;
      this.outputTokens = chunk.usage.completion_tokens;
    }
  }

  /** The stream broke after its first chunk (the provider's doing, not the client's). */
  fail(error: unknown): void {
    const status = (error as { status?: number }).status;
    const kind = (error as { kind?: string }).kind;
    this.span.fail(status ? String(status) : (kind ?? '_OTHER'), (error as Error).message);
  }

  end(): void {
    this.span.setAll({
      [GEN_AI.responseModel]: this.model,
      [GEN_AI.finishReasons]: this.finishReasons.length > 0 ? this.finishReasons : undefined,
      [GEN_AI.inputTokens]: this.inputTokens,
      [GEN_AI.outputTokens]: this.outputTokens,
    });
    this.span.end();
  }
}
