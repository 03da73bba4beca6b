import { Controller, HttpCode, Inject, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { CircuitRegistry } from '../routing/circuit-registry';
import { ProviderStatusService } from '../health/provider-status.service';
import { AdminGuard } from './admin.guard';
import { AdminAuditInterceptor } from './admin-audit.interceptor';

@Controller('admin')
@UseGuards(AdminGuard)
@UseInterceptors(AdminAuditInterceptor)
export class CircuitsAdminController {
  constructor(
    @Inject(CircuitRegistry) private readonly circuits: CircuitRegistry,
    @Inject(ProviderStatusService) private readonly providers: ProviderStatusService,
  ) {}

  /** Every circuit back to closed (seed 001). */
  @Post('reset')
  @HttpCode(200)
  reset() {
    this.circuits.resetAll();
    return { status: 'reset', providers: this.providers.summary().providers };
  }
}
