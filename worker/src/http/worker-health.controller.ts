import { Controller, Get, Header, Inject } from '@nestjs/common';
import { WorkerStatusService } from './worker-status.service';

/** Liveness, readiness details and Prometheus metrics on WORKER_PORT. */
@Controller()
export class WorkerHealthController {
  constructor(@Inject(WorkerStatusService) private readonly status: WorkerStatusService) {}

  @Get('health')
  health() {
    return this.status.summary();
  }

  @Get('health/detailed')
  detailed() {
    return this.status.detailed();
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.status.metricsText();
  }
}
