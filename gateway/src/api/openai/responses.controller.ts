import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { responsesRequestSchema } from '@app/contracts';
import { parseBody } from '@app/http';
import { ClientApi } from '../../access/api-metadata';
import type { RequestContext } from '../../request/request-context';
import { Ctx } from '../../request/request-scope';
import { ResponsesService } from '../../responses/responses.service';
import { gatewayHeaders } from '../shared/gateway-headers';
import { sendResponseEvents } from '../shared/send-response-events';

/**
 * OpenAI's Responses API, served on every provider (see `responses/`): create (JSON, or SSE
 * events with `stream: true`), retrieve and delete a stored response. Errors in OpenAI's shape.
 */
@ClientApi({ dialect: 'responses' })
@Controller('v1/responses')
export class ResponsesController {
  constructor(@Inject(ResponsesService) private readonly responses: ResponsesService) {}

  @Post()
  @HttpCode(200)
  async create(
    @Body() raw: unknown,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const body = parseBody(responsesRequestSchema, raw);
    if (body.stream) {
      // Errors before the first event are JSON errors; after it, `response.failed` and `error`.
      return sendResponseEvents(reply, await this.responses.stream(body, context));
    }
    const answer = await this.responses.create(body, context);
    reply.headers(gatewayHeaders(answer));
    return answer.response;
  }

  @Get(':id')
  retrieve(@Param('id') id: string, @Ctx() context: RequestContext) {
    return this.responses.retrieve(id, context);
  }

  @Delete(':id')
  delete(@Param('id') id: string, @Ctx() context: RequestContext) {
    return this.responses.delete(id, context);
  }
}
