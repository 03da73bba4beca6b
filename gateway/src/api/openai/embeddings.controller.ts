import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { embeddingsRequestSchema } from '@app/contracts';
import { parseBody } from '@app/http';
import { ClientApi } from '../../access/api-metadata';
import { EmbeddingsService } from '../../embeddings/embeddings.service';
import type { RequestContext } from '../../request/request-context';
import { Ctx } from '../../request/request-scope';
import { gatewayHeaders } from '../shared/gateway-headers';

/** OpenAI Embeddings: float or base64 vectors. */
@ClientApi()
@Controller('v1')
export class EmbeddingsController {
  constructor(@Inject(EmbeddingsService) private readonly embeddings: EmbeddingsService) {}

  @Post('embeddings')
  @HttpCode(200)
  async create(
    @Body() raw: unknown,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const answer = await this.embeddings.create(parseBody(embeddingsRequestSchema, raw), context);
    reply.headers(gatewayHeaders(answer));
    return answer.result;
  }
}
