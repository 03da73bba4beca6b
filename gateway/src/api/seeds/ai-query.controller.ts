import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { simpleQueryRequestSchema } from '@app/contracts';
import { parseBody } from '@app/http';
import { ClientApi } from '../../access/api-metadata';
import { ChatCompletionsService } from '../../chat/chat-completions.service';
import type { RequestContext } from '../../request/request-context';
import { Ctx } from '../../request/request-scope';
import { ProviderStatusService } from '../../health/provider-status.service';
import { gatewayHeaders } from '../shared/gateway-headers';

/**
 * The seeds' simple API: `{"prompt"}` → `{"response","backend","provider","state"}`, with chat's
 * failover. As the seeds define them, `backend` is the tier that answered (`copilot`, `cloud`,
 * `local`), `provider` the concrete provider, and `state` the primary tier's circuit (the first
 * provider of the default chain): `open` while the cloud is down, even when the local tier answered.
 */
@ClientApi()
@Controller('ai')
export class AiQueryController {
  constructor(
    @Inject(ChatCompletionsService) private readonly chat: ChatCompletionsService,
    @Inject(ProviderStatusService) private readonly status: ProviderStatusService,
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
      backend: this.status.tierOf(routed.provider) ?? routed.provider,
      provider: routed.provider,
      model: routed.model,
      state: this.status.primaryCircuitState(),
      usage: routed.result.usage ?? null,
    };
  }
}
