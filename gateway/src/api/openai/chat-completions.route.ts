import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  chatCompletionRequestSchema,
  isCommonChatRequest,
  type ChatCompletionRequest,
} from '@app/contracts';
import { JSON_CONTENT_TYPE, jsonTextOf, parseBody } from '@app/http';
import { ChatCompletionsService } from '../../chat/chat-completions.service';
import type { RequestContext } from '../../request/request-context';
import type { ClientRoute } from '../client-routes/client-route';
import { gatewayHeaders } from '../shared/gateway-headers';
import { sendRoutedStream } from '../shared/send-routed-stream';

/** OpenAI Chat Completions, `POST /v1/chat/completions`: JSON, or SSE with `stream: true`. */
@Injectable()
export class ChatCompletionsRoute implements ClientRoute {
  readonly method = 'POST';
  readonly url = '/v1/chat/completions';

  constructor(@Inject(ChatCompletionsService) private readonly chat: ChatCompletionsService) {}

  async handle(raw: unknown, context: RequestContext, reply: FastifyReply) {
    const body = parseBody(
      chatCompletionRequestSchema,
      raw,
      isCommonChatRequest,
    ) as ChatCompletionRequest;
    if (body.stream) {
      // Errors before the first chunk are JSON errors; after it, a final SSE error event.
      const routed = await this.chat.stream(body, context);
      return sendRoutedStream(reply, routed, {
        includeUsage: body.stream_options?.include_usage === true,
      });
    }
    const routed = await this.chat.complete(body, context);
    reply.headers(gatewayHeaders(routed));
    // The upstream's own text when it came from an OpenAI-compatible one, the cached
    // completion's text on a hit (serialized once), else serialized here.
    reply.header('content-type', JSON_CONTENT_TYPE);
    return jsonTextOf(routed.result);
  }
}
