import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { ChatCompletion, ChatCompletionRequest } from '@app/contracts';
import { subjectOf } from '../auth/principal';
import type { CachedCompletion } from '../cache/cached-completion';
import { replayAsStream } from '../cache/completion-replay';
import { ResponseCache, type CachePlan, type SettleLead } from '../cache/response-cache';
import { estimatePromptTokens, StreamAssembler } from '../cache/stream-assembler';
import type { RequestContext } from '../http/request-context';
import { RequestRecord } from '../http/request-record';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { Routed, RoutedStream } from '../routing/chat-router';
import { QuotaService } from '../usage/quota.service';
import { UsageRecorder } from '../usage/usage-recorder';

/** What the controls add to a routed answer: `x-cache` and `x-gateway-cost-usd`. */
export interface ControlledOutcome {
  /** Absent when the cache is off. */
  cache?: 'HIT' | 'MISS';
  /** Absent for streams (known only at their end: see /admin/usage and the request log). */
  costUsd?: number;
}

export type ControlledCompletion = Routed<ChatCompletion> & ControlledOutcome;
export type ControlledStream = RoutedStream & ControlledOutcome;

/**
 * The production controls around one chat call, in order: an identical request in flight (wait
 * for it), the cache, the budget and tokens-per-minute check, the call, then usage, cost and
 * cache store. Streams are assembled as they pass so they can be accounted and cached.
 */
@Injectable()
export class ChatControls {
  private readonly logPayloads: boolean;

  constructor(
    @Inject(ResponseCache) private readonly cache: ResponseCache,
    @Inject(QuotaService) private readonly quota: QuotaService,
    @Inject(UsageRecorder) private readonly usage: UsageRecorder,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.logPayloads = config.server.logPayloads;
  }

  async complete(
    request: ChatCompletionRequest,
    context: RequestContext,
    call: () => Promise<Routed<ChatCompletion>>,
  ): Promise<ControlledCompletion> {
    const record = context.record ?? new RequestRecord(context.requestId, context.startedAt);
    const plan = this.cache.plan(request, subjectOf(record.principal), context.cacheDirectives);
    const shared = await this.answerInFlight(plan);
    if (shared) return { ...this.served(shared, record), result: shared.completion };
    const settle = plan ? this.cache.lead(plan) : undefined;
    try {
      const cached = await this.lookup(plan, settle);
      if (cached) return { ...this.served(cached, record), result: cached.completion };
      await this.quota.assertWithinQuota(record.principal);
      const routed = await call();
      for (const attempt of routed.attempts) record.upstreamMs += attempt.latencyMs;
      const costUsd = this.usage.record(record, routed.provider, routed.model, routed.result.usage);
      this.keepPayload(record, request, routed.result);
      settle?.({ completion: routed.result, provider: routed.provider, model: routed.model });
      return { ...routed, cache: this.missed(plan, record), costUsd };
    } catch (error) {
      settle?.(undefined);
      throw error;
    }
  }

  async stream(
    request: ChatCompletionRequest,
    context: RequestContext,
    open: () => Promise<RoutedStream>,
  ): Promise<ControlledStream> {
    const record = context.record ?? new RequestRecord(context.requestId, context.startedAt);
    const plan = this.cache.plan(request, subjectOf(record.principal), context.cacheDirectives);
    const shared = await this.answerInFlight(plan);
    if (shared)
      return { ...this.served(shared, record), chunks: replayAsStream(shared.completion) };
    const settle = plan ? this.cache.lead(plan) : undefined;
    try {
      const cached = await this.lookup(plan, settle);
      if (cached)
        return { ...this.served(cached, record), chunks: replayAsStream(cached.completion) };
      await this.quota.assertWithinQuota(record.principal);
      const started = performance.now();
      const routed = await open();
      const cache = this.missed(plan, record);
      return {
        ...routed,
        cache,
        chunks: this.accountStream(routed, request, record, started, settle),
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
    record: RequestRecord,
    started: number,
    settle: SettleLead | undefined,
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
      record.upstreamMs += performance.now() - started;
      // A stream cut short has no usage chunk: account what was delivered, never zero.
      const usage = assembler.usage ?? assembler.deliveredUsage(estimatePromptTokens(request));
      this.usage.record(record, routed.provider, routed.model, usage);
      const answer = finished && assembler.complete ? assembler.toCompletion() : undefined;
      if (answer) this.keepPayload(record, request, answer);
      settle?.(answer && { completion: answer, provider: routed.provider, model: routed.model });
    }
  }

  private async answerInFlight(plan: CachePlan | undefined): Promise<CachedCompletion | undefined> {
    const waiting = plan?.lookup ? this.cache.inFlightAnswer(plan) : undefined;
    return waiting ? await waiting : undefined;
  }

  private async lookup(
    plan: CachePlan | undefined,
    settle: SettleLead | undefined,
  ): Promise<CachedCompletion | undefined> {
    if (!plan?.lookup) return undefined;
    const cached = await this.cache.lookup(plan);
    if (cached) settle?.(cached, true);
    return cached;
  }

  /** An answer that cost nothing: from the cache or shared with an identical request in flight. */
  private served(answer: CachedCompletion, record: RequestRecord) {
    this.metrics.cacheLookup(true);
    record.cache = 'HIT';
    record.provider = answer.provider;
    record.model = answer.model;
    return {
      provider: answer.provider,
      model: answer.model,
      attempts: [],
      cache: 'HIT' as const,
      costUsd: 0,
    };
  }

  private missed(plan: CachePlan | undefined, record: RequestRecord): 'MISS' | undefined {
    if (plan?.lookup) this.metrics.cacheLookup(false);
    record.cache = plan?.lookup ? 'MISS' : 'BYPASS';
    return plan ? 'MISS' : undefined;
  }

  private keepPayload(
    record: RequestRecord,
    request: ChatCompletionRequest,
    completion: ChatCompletion,
  ): void {
    if (this.logPayloads)
      record.payload = { messages: request.messages, completion: completion.choices };
  }
}
