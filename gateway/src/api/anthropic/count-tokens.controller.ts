import { Body, Controller, Headers, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { anthropicCountTokensRequestSchema, type AnthropicTokenCount } from '@app/contracts';
import { parseAnthropicBody } from './parse-anthropic-body';
import { ClientApi } from '../../access/api-metadata';
import { passthroughHeadersOf } from '../../messages/anthropic-to-chat-request';
import { MessagesService } from '../../messages/messages.service';
import type { RequestContext } from '../../request/request-context';
import { Ctx } from '../../request/request-scope';

type RequestHeaders = Record<string, string | string[] | undefined>;

/**
 * Anthropic's token counting, `POST /v1/messages/count_tokens` (Claude Code asks before sending).
 * Messages themselves are `MessagesRoute`, a client route. Errors answer in Anthropic's shape
 * (the route's dialect). `request-id` is the gateway's request id, where Anthropic's SDKs look.
 */
@ClientApi({ dialect: 'anthropic' })
@Controller('v1/messages')
export class CountTokensController {
  constructor(@Inject(MessagesService) private readonly messages: MessagesService) {}

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
