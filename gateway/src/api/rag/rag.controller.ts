import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GatewayError, ragIndexSchema, ragQuerySchema, ragSearchSchema } from '@app/contracts';
import { parseBody } from '@app/http';
import { ClientApi } from '../../access/api-metadata';
import { RagCollectionsService } from '../../rag/rag-collections.service';
import { RagQueryService } from '../../rag/rag-query.service';
import type { RequestContext } from '../../request/request-context';
import { Ctx } from '../../request/request-scope';
import { gatewayHeaders } from '../shared/gateway-headers';
import { sendRoutedStream } from '../shared/send-routed-stream';

/**
 * `/v1/rag/*`: index, search, query (retrieve → cited prompt → the normal chat service), stats
 * and deletes, in the caller's own collections (a tenant sees only its own). The retrieval work
 * runs wherever the local dispatcher runs it (in-process or on a worker).
 */
@ClientApi()
@Controller('v1/rag')
export class RagController {
  constructor(
    @Inject(RagCollectionsService) private readonly rag: RagCollectionsService,
    @Inject(RagQueryService) private readonly queries: RagQueryService,
  ) {}

  @Post('index')
  @HttpCode(200)
  index(@Body() raw: unknown, @Ctx() context: RequestContext) {
    return this.rag.index(parseBody(ragIndexSchema, raw), context);
  }

  @Post('search')
  @HttpCode(200)
  async search(@Body() raw: unknown, @Ctx() context: RequestContext) {
    const found = await this.rag.search(parseBody(ragSearchSchema, raw), context);
    return { object: 'list', ...found };
  }

  /**
   * `{answer, sources, usage, model, provider, collection}`; with `stream: true`, SSE: first a
   * `{"object":"rag.sources",…}` event, then `chat.completion.chunk` events (the last one carries
   * `usage`), then `data: [DONE]`. Errors before the first event are JSON errors; after it, a
   * final SSE error event.
   */
  @Post('query')
  @HttpCode(200)
  async query(
    @Body() raw: unknown,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const body = parseBody(ragQuerySchema, raw);
    if (body.stream) {
      const { sources, answered } = await this.queries.stream(body, context);
      return sendRoutedStream(reply, answered, { includeUsage: true, preamble: sources });
    }
    const { answer, answered } = await this.queries.answer(body, context);
    reply.headers(gatewayHeaders(answered));
    return answer;
  }

  @Get('stats')
  async stats(@Ctx() context: RequestContext) {
    return { object: 'rag.stats', ...(await this.rag.stats(context)) };
  }

  @Delete('documents/:id')
  deleteDocument(
    @Param('id') id: string,
    @Query('collection') collection: unknown,
    @Ctx() context: RequestContext,
  ) {
    if (collection !== undefined && typeof collection !== 'string') {
      throw GatewayError.invalidRequest(
        "'collection' must be given once, as a string",
        'collection',
      );
    }
    return this.rag.deleteDocument(id, collection, context);
  }

  @Delete('collections/:name')
  deleteCollection(@Param('name') name: string, @Ctx() context: RequestContext) {
    return this.rag.deleteCollection(name, context);
  }
}
