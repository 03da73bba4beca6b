import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from '@app/contracts';
import { parseBody } from '@app/http';
import { ClientApi } from '../../access/api-metadata';
import { ChatCompletionsService } from '../../chat/chat-completions.service';
import type { RequestContext } from '../../request/request-context';
import { Ctx } from '../../request/request-scope';
import { gatewayHeaders } from '../shared/gateway-headers';
import { sendRoutedStream } from '../shared/send-routed-stream';

/** OpenAI Chat Completions: JSON, or SSE with `stream: true`. */
@ClientApi()
@Controller('v1/chat')
export class ChatCompletionsController {
  constructor(@Inject(ChatCompletionsService) private readonly chat: ChatCompletionsService) {}

  @Post('completions')
  @HttpCode(200)
  async create(
    @Body() raw: unknown,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const body = parseBody(chatCompletionRequestSchema, raw) as ChatCompletionRequest;
    if (body.stream) {
      // Errors before the first chunk are JSON errors; after it, a final SSE error event.
      const routed = await this.chat.stream(body, context);
      return sendRoutedStream(reply, routed, {
        includeUsage: body.stream_options?.include_usage === true,
      });
    }
    const routed = await this.chat.complete(body, context);
    reply.headers(gatewayHeaders(routed));
    return routed.result;
  }
}
