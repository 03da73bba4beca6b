import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { simpleQueryRequestSchema } from '@app/contracts';
import { ChatCompletionService } from '../chat/chat-completion.service';
import { CircuitRegistry } from '../routing/circuit-registry';
import { gatewayHeaders } from './gateway-headers';
import { parseBody } from '@app/http';
import { requestContext } from './request-context';

/** The seeds' simple API: `{"prompt"}` → `{"response","backend","state"}`, same failover. */
@Controller('ai')
export class AiQueryController {
  constructor(
    @Inject(ChatCompletionService) private readonly chat: ChatCompletionService,
    @Inject(CircuitRegistry) private readonly circuits: CircuitRegistry,
  ) {}

  @Post('query')
  @HttpCode(200)
  async query(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const context = requestContext(request, reply);
    const body = parseBody(simpleQueryRequestSchema, request.body);
    const routed = await this.chat.complete(
      {
        model: body.model ?? 'default',
        provider: body.provider,
        messages: [{ role: 'user', content: body.prompt }],
        ...(body.max_tokens ? { max_tokens: body.max_tokens } : {}),
        ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
      },
      context,
    );
    reply
      .status(200)
      .headers(gatewayHeaders(routed))
      .send({
        response: routed.result.choices[0]?.message.content ?? '',
        backend: routed.provider,
        model: routed.model,
        state: this.circuits.get(routed.provider).snapshot().state,
        usage: routed.result.usage ?? null,
      });
  }
}
