import { Body, Controller, Headers, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  anthropicCountTokensRequestSchema,
  anthropicMessagesRequestSchema,
  type AnthropicTokenCount,
} from '@app/contracts';
import { parseAnthropicBody } from './parse-anthropic-body';
import { ClientApi } from '../../access/api-metadata';
import { passthroughHeadersOf } from '../../messages/anthropic-to-chat-request';
import { MessagesService } from '../../messages/messages.service';
import type { RequestContext } from '../../request/request-context';
import { Ctx } from '../../request/request-scope';
import { gatewayHeaders } from '../shared/gateway-headers';
import { sendAnthropicStream } from './send-anthropic-stream';

type RequestHeaders = Record<string, string | string[] | undefined>;

/**
 * Anthropic's Messages API (Claude Code, the Anthropic SDKs): JSON, or Anthropic's SSE events
 * with `stream: true`, and token counting. Errors answer in Anthropic's shape (the route's
 * dialect). `request-id` is the gateway's request id, where Anthropic's SDKs look for one.
 */
@ClientApi({ dialect: 'anthropic' })
@Controller('v1/messages')
export class MessagesController {
  constructor(@Inject(MessagesService) private readonly messages: MessagesService) {}

  @Post()
  @HttpCode(200)
  async create(
    @Body() raw: unknown,
    @Headers() headers: RequestHeaders,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const body = parseAnthropicBody(anthropicMessagesRequestSchema, raw);
    const forwarded = passthroughHeadersOf(headers);
    reply.header('request-id', context.requestId);
    if (body.stream) {
      // Errors before the first event are JSON errors; after it, Anthropic's `error` event.
      return sendAnthropicStream(reply, await this.messages.stream(body, forwarded, context));
    }
    const answer = await this.messages.create(body, forwarded, context);
    reply.headers(gatewayHeaders(answer));
    return answer.message;
  }

  @Post('count_tokens')
  @HttpCode(200)
  async countTokens(
    @Body() raw: unknown,
    @Headers() headers: RequestHeaders,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AnthropicTokenCount> {
    const body = parseAnthropicBody(anthropicCountTokensRequestSchema, raw);
    const counted = await this.messages.countTokens(body, passthroughHeadersOf(headers), context);
    reply.header('request-id', context.requestId);
    reply.header('x-gateway-token-count', counted.source);
    if (counted.provider) reply.header('x-gateway-provider', counted.provider);
    return counted.count;
  }
}
