import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { GatewayError } from '@app/contracts';
import { ProviderStatusService } from '../health/provider-status.service';
import { GatewayMetrics } from './gateway-metrics';

/** Prometheus text at `/metrics`, the seed-002 JSON view at `/metrics/summary`; 404 with METRICS_ENABLED=false. */
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(ProviderStatusService) private readonly providers: ProviderStatusService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async prometheus(@Res() reply: FastifyReply): Promise<void> {
    this.assertEnabled();
    const text = await this.metrics.registry.metrics();
    reply.status(200).header('content-type', this.metrics.registry.contentType).send(text);
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
