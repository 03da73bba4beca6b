import { Inject, Injectable } from '@nestjs/common';
import { withSpan } from '@app/tracing';
import type { EmbeddingsRequest, EmbeddingsResponse } from '@app/contracts';
import { allowedModelsOf } from '../request/principal';
import type { RequestContext } from '../request/request-context';
import { ChatRouter, type Routed } from '../routing/chat-router';
import { QuotaService } from '../usage/quota.service';
import { UsageRecorder } from '../usage/usage-recorder';

export type EmbeddingsAnswer = Routed<EmbeddingsResponse> & { costUsd: number };

/** Float32 little-endian bytes, base64: what OpenAI returns for `encoding_format: "base64"`. */
function toBase64(vector: ArrayLike<number>): string {
  const floats = vector instanceof Float32Array ? vector : Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

/** One input shape for every provider: a list of texts or a list of token arrays. */
function inputList(input: EmbeddingsRequest['input']): string[] | number[][] {
  if (typeof input === 'string') return [input];
  if (typeof input[0] === 'number') return [input as number[]];
  return input as string[] | number[][];
}

/**
 * The embeddings use case behind `/v1/embeddings`: embeddings spend budget and tokens like chat,
 * so the same controls apply — quota checked before the call, the routed call (failover,
 * breakers, allow-list), then usage and cost, and the vectors encoded as the client asked.
 */
@Injectable()
export class EmbeddingsService {
  constructor(
    @Inject(ChatRouter) private readonly router: ChatRouter,
    @Inject(QuotaService) private readonly quota: QuotaService,
    @Inject(UsageRecorder) private readonly usage: UsageRecorder,
  ) {}

  async create(request: EmbeddingsRequest, context: RequestContext): Promise<EmbeddingsAnswer> {
    await withSpan(context.span, 'gateway.quota_check', () =>
      this.quota.assertWithinQuota(context.principal),
    );
    const routed = await this.router.embed(
      {
        model: request.model,
        input: inputList(request.input),
        dimensions: request.dimensions,
        provider: request.provider,
      },
      context.requestId,
      context.abort,
      allowedModelsOf(context.principal),
      context.span,
    );
    const promptTokens = routed.result.promptTokens;
    for (const attempt of routed.attempts) context.upstreamMs += attempt.latencyMs;
    const costUsd = this.usage.record(context, routed.provider, routed.model, {
      prompt_tokens: promptTokens,
      completion_tokens: 0,
      total_tokens: promptTokens,
    });
    const base64 = request.encoding_format === 'base64';
    const response: EmbeddingsResponse = {
      object: 'list',
      data: (routed.result.vectors as ArrayLike<number>[]).map((vector, index) => ({
        object: 'embedding' as const,
        index,
        embedding: base64 ? toBase64(vector) : Array.from(vector),
      })),
      model: routed.result.model || routed.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    };
    return { ...routed, result: response, costUsd };
  }
}
