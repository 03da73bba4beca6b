import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { simpleQueryRequestSchema } from '@app/contracts';
import { parseBody } from '@app/http';
import { ClientApi } from '../../access/api-metadata';
import { ChatCompletionsService } from '../../chat/chat-completions.service';
import type { RequestContext } from '../../request/request-context';
import { Ctx } from '../../request/request-scope';
import { CircuitRegistry } from '../../routing/circuit-registry';
import { gatewayHeaders } from '../shared/gateway-headers';

/** The seeds' simple API: `{"prompt"}` → `{"response","backend","state"}`, same failover. */
@ClientApi()
@Controller('ai')
export class AiQueryController {
  constructor(
    @Inject(ChatCompletionsService) private readonly chat: ChatCompletionsService,
    @Inject(CircuitRegistry) private readonly circuits: CircuitRegistry,
  ) {}

  @Post('query')
  @HttpCode(200)
  async query(
    @Body() raw: unknown,
    @Ctx() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const body = parseBody(simpleQueryRequestSchema, raw);
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
    reply.headers(gatewayHeaders(routed));
    return {
      response: routed.result.choices[0]?.message.content ?? '',
      backend: routed.provider,
      model: routed.model,
      state: this.circuits.get(routed.provider).snapshot().state,
      usage: routed.result.usage ?? null,
    };
  }
}
