import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { embeddingsRequestSchema, type EmbeddingsResponse } from '@app/contracts';
import { ChatRouter } from '../routing/chat-router';
import { QuotaService } from '../usage/quota.service';
import { UsageRecorder } from '../usage/usage-recorder';
import { gatewayHeaders } from './gateway-headers';
import { parseBody } from '@app/http';
import { requestContext } from './request-context';

/** Float32 little-endian bytes, base64: what OpenAI returns for `encoding_format: "base64"`. */
function toBase64(vector: ArrayLike<number>): string {
  const floats = vector instanceof Float32Array ? vector : Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

@Controller('v1')
export class EmbeddingsController {
  constructor(
    @Inject(ChatRouter) private readonly router: ChatRouter,
    @Inject(QuotaService) private readonly quota: QuotaService,
    @Inject(UsageRecorder) private readonly usage: UsageRecorder,
  ) {}

  @Post('embeddings')
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const context = requestContext(request, reply);
    const body = parseBody(embeddingsRequestSchema, request.body);
    const input: string[] | number[][] =
      typeof body.input === 'string'
        ? [body.input]
        : typeof body.input[0] === 'number'
          ? [body.input as number[]]
          : (body.input as string[] | number[][]);
    // Embeddings spend budget and tokens like chat: checked before the call, counted after.
    if (context.record) await this.quota.assertWithinQuota(context.record.principal);
    const routed = await this.router.embed(
      { model: body.model, input, dimensions: body.dimensions, provider: body.provider },
      context.requestId,
      context.signal,
    );
    const promptTokens = routed.result.promptTokens;
    const costUsd = context.record
      ? this.usage.record(context.record, routed.provider, routed.model, {
          prompt_tokens: promptTokens,
          completion_tokens: 0,
          total_tokens: promptTokens,
        })
      : undefined;
    const base64 = body.encoding_format === 'base64';
    const response: EmbeddingsResponse = {
      object: 'list',
      data: (routed.result.vectors as ArrayLike<number>[]).map((vector, index) => ({
        object: 'embedding' as const,
        index,
        embedding: base64 ? toBase64(vector) : Array.from(vector),
      })),
      model: routed.result.model || routed.model,
      usage: {
        prompt_tokens: routed.result.promptTokens,
        total_tokens: routed.result.promptTokens,
      },
    };
    reply
      .status(200)
      .headers(gatewayHeaders({ ...routed, costUsd }))
      .send(response);
  }
}
