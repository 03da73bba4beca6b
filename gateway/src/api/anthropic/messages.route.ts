import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { anthropicMessagesRequestSchema, isCommonMessagesRequest } from '@app/contracts';
import { passthroughHeadersOf } from '../../messages/anthropic-to-chat-request';
import { MessagesService } from '../../messages/messages.service';
import type { RequestContext } from '../../request/request-context';
import type { ClientRoute } from '../client-routes/client-route';
import { gatewayHeaders } from '../shared/gateway-headers';
import { parseAnthropicBody } from './parse-anthropic-body';
import { sendAnthropicStream } from './send-anthropic-stream';

/**
 * Anthropic's Messages API, `POST /v1/messages` (Claude Code, the Anthropic SDKs): JSON, or
 * Anthropic's SSE events with `stream: true`. Errors answer in Anthropic's shape (the route's
 * dialect). `request-id` is the gateway's request id, where Anthropic's SDKs look for one.
 */
@Injectable()
export class MessagesRoute implements ClientRoute {
  readonly method = 'POST';
  readonly url = '/v1/messages';
  readonly dialect = 'anthropic';

  constructor(@Inject(MessagesService) private readonly messages: MessagesService) {}

  async handle(raw: unknown, context: RequestContext, reply: FastifyReply) {
    const body = parseAnthropicBody(anthropicMessagesRequestSchema, raw, isCommonMessagesRequest);
    const forwarded = passthroughHeadersOf(reply.request.headers);
    reply.header('request-id', context.requestId);
    if (body.stream) {
      // Errors before the first event are JSON errors; after it, Anthropic's `error` event.
      return sendAnthropicStream(reply, await this.messages.stream(body, forwarded, context));
    }
    const answer = await this.messages.create(body, forwarded, context);
    reply.headers(gatewayHeaders(answer));
    return answer.message;
  }
}
