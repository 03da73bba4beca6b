import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from '@app/contracts';
import { ChatCompletionService } from '../chat/chat-completion.service';
import { gatewayHeaders } from './gateway-headers';
import { parseBody } from '@app/http';
import { requestContext, type RequestContext } from './request-context';
import { sendRoutedStream } from './send-routed-stream';

@Controller('v1/chat')
export class ChatCompletionsController {
  constructor(@Inject(ChatCompletionService) private readonly chat: ChatCompletionService) {}

  @Post('completions')
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const context = requestContext(request, reply);
    const body = parseBody(chatCompletionRequestSchema, request.body) as ChatCompletionRequest;
    if (body.stream) return this.stream(body, context, reply);
    const routed = await this.chat.complete(body, context);
    reply.status(200).headers(gatewayHeaders(routed)).send(routed.result);
  }

  /** Errors before the first chunk are normal JSON errors; after it, a final SSE error event. */
  private async stream(
    body: ChatCompletionRequest,
    context: RequestContext,
    reply: FastifyReply,
  ): Promise<void> {
    const routed = await this.chat.stream(body, context);
    await sendRoutedStream(reply, routed, {
      includeUsage: body.stream_options?.include_usage === true,
    });
  }
}
