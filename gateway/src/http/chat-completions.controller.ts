import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { chatCompletionRequestSchema, GatewayError, ProviderError, type ChatCompletionRequest } from '@app/contracts';
import { ChatCompletionService } from '../chat/chat-completion.service';
import { gatewayHeaders } from './gateway-headers';
import { toErrorResponse } from './openai-exception.filter';
import { parseBody } from './parse-body';
import { requestContext, type RequestContext } from './request-context';
import { SseWriter } from './sse-writer';

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
  private async stream(body: ChatCompletionRequest, context: RequestContext, reply: FastifyReply): Promise<void> {
    const routed = await this.chat.stream(body, context);
    const includeUsage = body.stream_options?.include_usage === true;
    reply.hijack();
    const writer = new SseWriter(reply.raw);
    writer.open({ ...(reply.getHeaders() as Record<string, string>), ...gatewayHeaders(routed) });
    try {
      for await (const chunk of routed.chunks) {
        if (writer.closed) break;
        // Upstreams are always asked for usage (for cost); clients get it only when they asked.
        if (!includeUsage && chunk.usage && chunk.choices.length === 0) continue;
        await writer.chunk(includeUsage || !chunk.usage ? chunk : { ...chunk, usage: undefined });
      }
      writer.done();
    } catch (error) {
      const failure =
        error instanceof ProviderError
          ? new GatewayError(502, `Provider '${routed.provider}' failed mid-stream: ${error.reason}`, 'api_error', 'upstream_stream_error')
          : error;
      writer.fail(toErrorResponse(failure).body);
    }
  }
}
