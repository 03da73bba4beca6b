import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { GatewayError } from '@app/contracts';
import { OpsApi } from '../../access/api-metadata';
import { ProviderStatusService } from '../../health/provider-status.service';
import { GatewayMetrics } from '../../observability/gateway-metrics';

/** Prometheus text at `/metrics`, the seed-002 JSON view at `/metrics/summary`; 404 with METRICS_ENABLED=false. */
@OpsApi()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(ProviderStatusService) private readonly providers: ProviderStatusService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async prometheus(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    this.assertEnabled();
    reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }

  @Get('summary')
  summary() {
    this.assertEnabled();
    const providersActive = this.providers.statuses().filter((status) => status.available).length;
    return { ...this.metrics.summary(), providers_active: providersActive };
  }

  private assertEnabled(): void {
    if (!this.config.controls.metricsEnabled) {
      throw new GatewayError(
        404,
        'Metrics are disabled (METRICS_ENABLED=false)',
        'not_found_error',
        'not_found',
      );
    }
  }
}
