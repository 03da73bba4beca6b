import {
  echoed,
  GatewayError,
  ProviderError,
  type AnthropicTokenCount,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type EmbeddingsResult,
} from '@app/contracts';
import type { RoutingConfig } from '@app/config';
import type { AbortSource } from '@app/http';
import { GEN_AI, NOOP_SPAN, type TraceSpan } from '@app/tracing';
import type { AttemptController } from './attempt-controller';
import { describeCompletion, StreamSpanFacts } from './attempt-span';
import type { CircuitRegistry } from './circuit-registry';
import { assertNativeFieldsSupported } from './native-request-support';
import type { ResolvedTarget, RouteResolver } from './route-resolver';
import { resolveTraced } from './route-span';
import type { AttemptRecord, RouterObserver } from './router-observer';
import { TargetExecutor } from './target-executor';

export interface Routed<T> {
  result: T;
  provider: string;
  model: string;
  attempts: AttemptRecord[];
}

export interface RoutedStream {
  provider: string;
  model: string;
  attempts: AttemptRecord[];
  /** Every chunk, starting with the first one (which has already arrived). */
  chunks: AsyncIterable<ChatCompletionChunk>;
}

/**
 * Removes gateway-only fields and substitutes the target's concrete model. Most requests have
 * neither field and name the target's model already: they go on as they are (providers never
 * change the request they are given), without the object rest copy, which V8 does in its runtime.
 */
function upstreamRequest(request: ChatCompletionRequest, model: string): ChatCompletionRequest {
  if (request.provider === undefined && request.cache === undefined && request.model === model)
    return request;
  const { provider: _provider, cache: _cache, ...rest } = request;
  return { ...rest, model };
}

/**
 * The routing brain: resolve the route, then let the executor walk its targets. Streams commit to
 * a target only when its first chunk arrives, so a provider that fails before its first token is
 * replaced without the client noticing.
 */
export class ChatRouter {
  private readonly executor: TargetExecutor;

  constructor(
    private readonly routing: RoutingConfig,
    private readonly resolver: RouteResolver,
    private readonly circuits: CircuitRegistry,
    private readonly observers: RouterObserver[] = [],
  ) {
    this.executor = new TargetExecutor(routing, circuits, observers);
  }

  async complete(
    request: ChatCompletionRequest,
    requestId: string,
    client: AbortSource,
    allowedModels?: readonly string[],
    span: TraceSpan = NOOP_SPAN,
  ): Promise<Routed<ChatCompletion>> {
    const route = resolveTraced(span, () => {
      const resolved = this.resolver.resolve(
        request.model,
        request.provider,
        'chat',
        allowedModels,
      );
      resolved.targets = this.supportingTargets(resolved.targets, request);
      return resolved;
    });
    const execution = await this.executor.execute(
      route,
      'chat',
      requestId,
      client,
      (target, context) => target.provider.chat(upstreamRequest(request, target.model), context),
      span,
    );
    execution.attempt.dispose();
    describeCompletion(execution.span, execution.result);
    execution.span.end();
    return {
      result: execution.result,
      provider: execution.target.provider.id,
      model: execution.target.model,
      attempts: execution.attempts,
    };
  }

  async openStream(
    request: ChatCompletionRequest,
    requestId: string,
    client: AbortSource,
    allowedModels?: readonly string[],
    span: TraceSpan = NOOP_SPAN,
  ): Promise<RoutedStream> {
    const route = resolveTraced(span, () => {
      const resolved = this.resolver.resolve(
        request.model,
        request.provider,
        'chat',
        allowedModels,
      );
      resolved.targets = this.supportingTargets(resolved.targets, request);
      return resolved;
    });
    const started = performance.now();
    const execution = await this.executor.execute(
      route,
      'stream',
      requestId,
      client,
      async (target, context) => {
        const iterator = target.provider
          .stream(upstreamRequest(request, target.model), context)
          [Symbol.asyncIterator]();
        const first = await iterator.next();
        if (first.done)
          throw new ProviderError('upstream stream ended before its first chunk', {
            kind: 'invalid_response',
          });
        return { first: first.value, iterator };
      },
      span,
    );
    const { target, attempts, attempt } = execution;
    // Until the consumer asks for the next chunk, nobody is waiting on the upstream.
    attempt.pauseIdle();
    for (const observer of this.observers) {
      observer.firstChunk?.(target.provider.id, target.model, (performance.now() - started) / 1000);
    }
    return {
      provider: target.provider.id,
      model: target.model,
      attempts,
      chunks: this.followStream(
        execution.result.first,
        execution.result.iterator,
        target,
        attempt,
        new StreamSpanFacts(execution.span),
      ),
    };
  }

  async embed(
    request: {
      model: string;
      input: string[] | number[][];
      dimensions?: number;
      provider?: string;
    },
    requestId: string,
    client: AbortSource,
    allowedModels?: readonly string[],
    span: TraceSpan = NOOP_SPAN,
  ): Promise<Routed<EmbeddingsResult>> {
    const route = resolveTraced(span, () =>
      this.resolver.resolve(request.model, request.provider, 'embeddings', allowedModels),
    );
    route.targets = route.targets.filter((target) => target.provider.embed !== undefined);
    if (route.targets.length === 0) {
      throw new GatewayError(
        400,
        `No provider serving '${echoed(request.model)}' supports embeddings`,
        'invalid_request_error',
        'model_not_supported',
        'model',
      );
    }
    const execution = await this.executor.execute(
      route,
      'embeddings',
      requestId,
      client,
      (target, context) =>
        target.provider.embed!(
          { model: target.model, input: request.input, dimensions: request.dimensions },
          context,
        ),
      span,
    );
    execution.attempt.dispose();
    execution.span
      .setAll({
        [GEN_AI.responseModel]: execution.result.model,
        [GEN_AI.inputTokens]: execution.result.promptTokens,
      })
      .end();
    return {
      result: execution.result,
      provider: execution.target.provider.id,
      model: execution.target.model,
      attempts: execution.attempts,
    };
  }

  /**
   * The request's input tokens, counted by the first target of its route that counts tokens (with
   * the route's retries, breakers and fallback among such targets); undefined when no target of
   * the route can count (the caller then estimates).
   */
  async countTokens(
    request: ChatCompletionRequest,
    requestId: string,
    client: AbortSource,
    allowedModels?: readonly string[],
    span: TraceSpan = NOOP_SPAN,
  ): Promise<Routed<AnthropicTokenCount> | undefined> {
    const route = resolveTraced(span, () =>
      this.resolver.resolve(request.model, request.provider, 'chat', allowedModels),
    );
    route.targets = route.targets.filter((target) => target.provider.countTokens !== undefined);
    if (route.targets.length === 0) return undefined;
    const execution = await this.executor.execute(
      route,
      'count_tokens',
      requestId,
      client,
      (target, context) =>
        target.provider.countTokens!(upstreamRequest(request, target.model), context),
      span,
    );
    execution.attempt.dispose();
    execution.span.end();
    return {
      result: execution.result,
      provider: execution.target.provider.id,
      model: execution.target.model,
      attempts: execution.attempts,
    };
  }

  /**
   * Keeps the targets that can honour every field of the request, so a field is never dropped
   * silently: a provider that cannot honour it is left out of the chain, and when none can, the
   * client gets the first provider's 400 naming the field.
   */
  private supportingTargets(
    targets: ResolvedTarget[],
    request: ChatCompletionRequest,
  ): ResolvedTarget[] {
    let firstRejection: unknown;
    const supporting = targets.filter((target) => {
      try {
        assertNativeFieldsSupported(target.provider, request);
        // Judged on what the provider would receive: the gateway's own fields never go upstream.
        target.provider.assertSupported(upstreamRequest(request, target.model));
        return true;
      } catch (error) {
        firstRejection ??= error;
        return false;
      }
    });
    if (supporting.length === 0 && firstRejection) throw firstRejection;
    return supporting;
  }

  private async *followStream(
    first: ChatCompletionChunk,
    iterator: AsyncIterator<ChatCompletionChunk>,
    target: ResolvedTarget,
    attempt: AttemptController,
    facts: StreamSpanFacts,
  ): AsyncGenerator<ChatCompletionChunk> {
    try {
      facts.add(first);
      yield first;
      for (;;) {
        attempt.touchIdle();
        let next: IteratorResult<ChatCompletionChunk>;
        try {
          next = await iterator.next();
        } catch (error) {
          if (attempt.clientAborted) {
            // Not the provider's doing: the client left, or the gateway ended the request.
            const reason = attempt.clientAbortReason;
            throw reason instanceof GatewayError ? reason : error;
          }
          this.circuits.get(target.provider.id).recordFailure();
          const failure = attempt.abortReason ?? error;
          facts.fail(failure);
          throw failure;
        }
        // While the client takes the chunk, the upstream is not the one being slow.
        attempt.pauseIdle();
        if (next.done) return;
        facts.add(next.value);
        yield next.value;
      }
    } finally {
      facts.end();
      attempt.dispose();
      // Ends the upstream request when the consumer stops early (client gone); no-op once aborted.
      attempt.abort(new ProviderError('stream closed', { kind: 'aborted' }));
      await iterator.return?.().catch(() => undefined);
    }
  }
}
