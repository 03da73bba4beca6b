import { HttpCode, Inject, Post } from '@nestjs/common';
import { AdminController } from '../../access/api-metadata';
import { ProviderStatusService } from '../../health/provider-status.service';
import { CircuitRegistry } from '../../routing/circuit-registry';

/** Circuit breakers (seed 001). */
@AdminController()
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
