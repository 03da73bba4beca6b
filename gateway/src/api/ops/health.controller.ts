import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OpsApi } from '../../access/api-metadata';
import { ProviderStatusService } from '../../health/provider-status.service';
import { ReadinessService } from '../../health/readiness.service';

/**
 * Liveness and readiness, always open (orchestrators probe them without keys). Both come from
 * state the gateway already has: they never call an upstream, never spend tokens.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(ProviderStatusService) private readonly providers: ProviderStatusService,
    @Inject(ReadinessService) private readonly readiness: ReadinessService,
  ) {}

  @Get()
  health() {
    return { ...this.providers.summary(), uptime_seconds: Math.round(process.uptime()) };
  }

  /** 200 when Redis (if configured) answers and at least one provider's circuit is not open; 503 otherwise. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const { status, body } = await this.readiness.ready();
    reply.status(status);
    return body;
  }
}

/** Per-provider detail, cache and queue: open, or the admin key with METRICS_AUTH=true. */
@OpsApi()
@Controller('health')
export class HealthDetailController {
  constructor(@Inject(ReadinessService) private readonly readiness: ReadinessService) {}

  @Get('detailed')
  detailed() {
    return this.readiness.detailed();
  }
}
