import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isCommonResponsesRequest, responsesRequestSchema } from '@app/contracts';
import { parseBody } from '@app/http';
import type { RequestContext } from '../../request/request-context';
import { ResponsesService } from '../../responses/responses.service';
import type { ClientRoute } from '../client-routes/client-route';
import { gatewayHeaders } from '../shared/gateway-headers';
import { sendResponseEvents } from '../shared/send-response-events';

/**
 * OpenAI's Responses API, `POST /v1/responses` (see `responses/`): JSON, or SSE events with
 * `stream: true`. Retrieve and delete are `ResponsesController`'s.
 */
@Injectable()
export class ResponsesCreateRoute implements ClientRoute {
  readonly method = 'POST';
  readonly url = '/v1/responses';
  readonly dialect = 'responses';

  constructor(@Inject(ResponsesService) private readonly responses: ResponsesService) {}

  async handle(raw: unknown, context: RequestContext, reply: FastifyReply) {
    const body = parseBody(responsesRequestSchema, raw, isCommonResponsesRequest);
    if (body.stream) {
      // Errors before the first event are JSON errors; after it, `response.failed` and `error`.
      return sendResponseEvents(reply, await this.responses.stream(body, context));
    }
    const answer = await this.responses.create(body, context);
    reply.headers(gatewayHeaders(answer));
    return answer.response;
  }
}
