import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { ChatCompletion, ChatCompletionRequest } from '@app/contracts';
import { GATEWAY, GEN_AI, NOOP_SPAN, withSpan, type TraceSpan } from '@app/tracing';
import type { CachedCompletion } from '../cache/cached-completion';
import { replayAsStream } from '../cache/completion-replay';
import { ResponseCache, type CachePlan, type SettleLead } from '../cache/response-cache';
import { estimatePromptTokens, StreamAssembler } from '../cache/stream-assembler';
import { GatewayMetrics } from '../observability/gateway-metrics';
import { allowedModelsOf, subjectOf } from '../request/principal';
import type { RequestContext } from '../request/request-context';
import { ChatRouter, type Routed, type RoutedStream } from '../routing/chat-router';
import { QuotaService } from '../usage/quota.service';
import { UsageRecorder } from '../usage/usage-recorder';

/** What the gateway adds to a routed answer: `x-cache` and `x-gateway-cost-usd`. */
export interface AnswerControls {
  /** Absent when the cache is off. */
  cache?: 'HIT' | 'MISS';
  /** Absent for streams (known only at their end: see /admin/usage and the request log). */
  costUsd?: number;
}

export type ChatAnswer = Routed<ChatCompletion> & AnswerControls;
export type ChatAnswerStream = RoutedStream & AnswerControls;

/**
 * The chat use case behind `/v1/chat/completions`, `/ai/query` and RAG answers: one place where a
 * request becomes a routed provider call with the production controls around it, in order: an
 * identical request in flight (wait for it), the cache, the budget and tokens-per-minute check,
 * the routed call (failover, breakers, retries), then usage, cost and cache store. Streams are
 * assembled as they pass so they can be accounted and cached.
 */
@Injectable()
export class ChatCompletionsService {
  private readonly logPayloads: boolean;

  constructor(
    @Inject(ChatRouter) private readonly router: ChatRouter,
    @Inject(ResponseCache) private readonly cache: ResponseCache,
    @Inject(QuotaService) private readonly quota: QuotaService,
    @Inject(UsageRecorder) private readonly usage: UsageRecorder,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.logPayloads = config.server.logPayloads;
  }

  async complete(request: ChatCompletionRequest, context: RequestContext): Promise<ChatAnswer> {
    const plan = this.cache.plan(request, subjectOf(context.principal), context.cacheDirectives);
    const cacheSpan = this.startCacheSpan(plan, context);
    const waiting = plan?.lookup ? this.cache.inFlightAnswer(plan) : undefined;
    const shared = waiting ? await waiting : undefined;
    if (shared) {
      cacheSpan.set(GATEWAY.cacheResult, 'coalesced').end();
      return this.served(shared, context);
    }
    const settle = plan ? this.cache.lead(plan) : undefined;
    try {
      const cached = plan?.lookup ? await this.lookup(plan, settle, cacheSpan) : undefined;
      if (cached) return this.served(cached, context);
      await this.assertWithinQuota(context);
      this.keepPrompt(context, request);
      const routed = await this.router.complete(
        request,
        context.requestId,
        context.abort,
        allowedModelsOf(context.principal),
        context.span,
      );
      for (const attempt of routed.attempts) context.upstreamMs += attempt.latencyMs;
      context.span.set(GATEWAY.attempts, routed.attempts.length);
      const costUsd = this.usage.record(
        context,
        routed.provider,
        routed.model,
        routed.result.usage,
      );
      this.keepPayload(context, request, routed.result);
      settle?.({ completion: routed.result, provider: routed.provider, model: routed.model });
      return {
        result: routed.result,
        provider: routed.provider,
        model: routed.model,
        attempts: routed.attempts,
        cache: this.missed(plan, context),
        costUsd,
      };
    } catch (error) {
      settle?.(undefined);
      throw error;
    }
  }

  async stream(request: ChatCompletionRequest, context: RequestContext): Promise<ChatAnswerStream> {
    const plan = this.cache.plan(request, subjectOf(context.principal), context.cacheDirectives);
    const cacheSpan = this.startCacheSpan(plan, context);
    const waiting = plan?.lookup ? this.cache.inFlightAnswer(plan) : undefined;
    const shared = waiting ? await waiting : undefined;
    if (shared) {
      cacheSpan.set(GATEWAY.cacheResult, 'coalesced').end();
      return this.servedStream(shared, context);
    }
    const settle = plan ? this.cache.lead(plan) : undefined;
    try {
      const cached = plan?.lookup ? await this.lookup(plan, settle, cacheSpan) : undefined;
      if (cached) return this.servedStream(cached, context);
      await this.assertWithinQuota(context);
      this.keepPrompt(context, request);
      const started = performance.now();
      const routed = await this.router.openStream(
        request,
        context.requestId,
        context.abort,
        allowedModelsOf(context.principal),
        context.span,
      );
      context.span.set(GATEWAY.attempts, routed.attempts.length);
      const cache = this.missed(plan, context);
      // From here until the stream ends, a client that leaves waits for the usage in its line.
      const accounted = context.startAccounting();
      context.provider = routed.provider;
      context.model = routed.model;
      return {
        ...routed,
        cache,
        chunks: this.accountStream(routed, request, context, started, settle, accounted),
      };
    } catch (error) {
      settle?.(undefined);
      throw error;
    }
  }

  /** Passes chunks through while assembling them; accounts and caches once the stream ends. */
  private async *accountStream(
    routed: RoutedStream,
    request: ChatCompletionRequest,
    context: RequestContext,
    started: number,
    settle: SettleLead | undefined,
    accounted: () => void,
  ) {
    const assembler = new StreamAssembler();
    let finished = false;
    try {
      for await (const chunk of routed.chunks) {
        assembler.add(chunk);
        yield chunk;
      }
      finished = true;
    } finally {
      try {
        context.upstreamMs += performance.now() - started;
        // A stream cut short has no usage chunk: account what was delivered, never zero.
        const usage = assembler.usage ?? assembler.deliveredUsage(estimatePromptTokens(request));
        this.usage.record(context, routed.provider, routed.model, usage);
        const answer = finished && assembler.complete ? assembler.toCompletion() : undefined;
        if (answer) this.keepPayload(context, request, answer);
        settle?.(answer && { completion: answer, provider: routed.provider, model: routed.model });
      } finally {
        accounted();
      }
    }
  }

  /** Asked only when the plan looks the cache up: without a cache the request makes no await. */
  private async lookup(
    plan: CachePlan,
    settle: SettleLead | undefined,
    span: TraceSpan,
  ): Promise<CachedCompletion | undefined> {
    try {
      const cached = await this.cache.lookup(plan);
      span.set(GATEWAY.cacheResult, cached ? 'hit' : 'miss');
      if (cached) settle?.(cached, true);
      return cached;
    } finally {
      span.end();
    }
  }

  /** The cache lookup's span (its result: hit, miss, or coalesced with an identical request). */
  private startCacheSpan(plan: CachePlan | undefined, context: RequestContext): TraceSpan {
    return plan?.lookup && context.span !== NOOP_SPAN
      ? context.span.child('gateway.cache.lookup')
      : NOOP_SPAN;
  }

  /** The tenant's budget and tokens-per-minute, as one span of the request. */
  private assertWithinQuota(context: RequestContext): Promise<void> {
    return withSpan(context.span, 'gateway.quota_check', () =>
      this.quota.assertWithinQuota(context.principal),
    );
  }

  /** Prompts go into the request span only with LOG_PAYLOADS=true (they may hold private data). */
  private keepPrompt(context: RequestContext, request: ChatCompletionRequest): void {
    if (this.logPayloads && context.span.recording)
      context.span.set(GEN_AI.inputMessages, JSON.stringify(request.messages));
  }

  /** An answer that cost nothing: from the cache or shared with an identical request in flight. */
  private served(answer: CachedCompletion, context: RequestContext): ChatAnswer {
    this.countHit(answer, context);
    return {
      result: answer.completion,
      provider: answer.provider,
      model: answer.model,
      attempts: [],
      cache: 'HIT',
      costUsd: 0,
    };
  }

  /** The same, replayed as a stream. */
  private servedStream(answer: CachedCompletion, context: RequestContext): ChatAnswerStream {
    this.countHit(answer, context);
    return {
      provider: answer.provider,
      model: answer.model,
      attempts: [],
      cache: 'HIT',
      costUsd: 0,
      chunks: replayAsStream(answer.completion),
    };
  }

  private countHit(answer: CachedCompletion, context: RequestContext): void {
    this.metrics.cacheLookup(true);
    context.cache = 'HIT';
    context.provider = answer.provider;
    context.model = answer.model;
  }

  private missed(plan: CachePlan | undefined, context: RequestContext): 'MISS' | undefined {
    if (plan?.lookup) this.metrics.cacheLookup(false);
    context.cache = plan?.lookup ? 'MISS' : 'BYPASS';
    return plan ? 'MISS' : undefined;
  }

  private keepPayload(
    context: RequestContext,
    request: ChatCompletionRequest,
    completion: ChatCompletion,
  ): void {
    if (!this.logPayloads) return;
    context.payload = { messages: request.messages, completion: completion.choices };
    if (context.span.recording)
      context.span.set(GEN_AI.outputMessages, JSON.stringify(completion.choices));
  }
}
