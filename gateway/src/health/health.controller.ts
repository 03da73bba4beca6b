import { Controller, Get, Inject } from '@nestjs/common';
import { ProviderStatusService } from './provider-status.service';

/** Liveness with the seed fields; never calls an upstream, never spends tokens. */
@Controller('health')
export class HealthController {
  constructor(@Inject(ProviderStatusService) private readonly providers: ProviderStatusService) {}

  @Get()
  health() {
    return { ...this.providers.summary(), uptime_seconds: Math.round(process.uptime()) };
  }
}
