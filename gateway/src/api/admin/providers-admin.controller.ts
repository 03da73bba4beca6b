import { Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { GatewayError } from '@app/contracts';
import { AdminController } from '../../access/api-metadata';
import { ProviderInsights } from '../../health/provider-insights';
import { ProviderRegistry } from '../../providers/provider-registry';
import { CircuitRegistry } from '../../routing/circuit-registry';

/** Live provider state for operators: circuits, errors, latency; reset one circuit. */
@AdminController('providers')
export class ProvidersAdminController {
  constructor(
    @Inject(ProviderInsights) private readonly insights: ProviderInsights,
    @Inject(ProviderRegistry) private readonly registry: ProviderRegistry,
    @Inject(CircuitRegistry) private readonly circuits: CircuitRegistry,
  ) {}

  @Get()
  list() {
    return this.insights.providers();
  }

  /** Closes one provider's circuit (`POST /admin/reset` closes them all). */
  @Post(':id/reset')
  @HttpCode(200)
  async reset(@Param('id') id: string) {
    const provider = this.registry.find(id);
    if (!provider)
      throw new GatewayError(
        404,
        `No provider '${id}'`,
        'not_found_error',
        'provider_not_found',
        'id',
      );
    this.circuits.get(provider.id).reset();
    const view = (await this.insights.providers()).data.find((entry) => entry.id === provider.id);
    return { ...view, reset: true };
  }
}
