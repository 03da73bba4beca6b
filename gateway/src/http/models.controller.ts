import { Controller, Get, Inject, Param } from '@nestjs/common';
import { GatewayError, type ModelCard } from '@app/contracts';
import { RouteResolver } from '../routing/route-resolver';

/** Every model name the gateway routes: aliases (owned by "gateway") and providers' models. */
@Controller('v1/models')
export class ModelsController {
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(@Inject(RouteResolver) private readonly resolver: RouteResolver) {}

  @Get()
  list(): { object: 'list'; data: ModelCard[] } {
    return { object: 'list', data: this.resolver.listModels().map((model) => this.card(model)) };
  }

  @Get(':id')
  retrieve(@Param('id') id: string): ModelCard {
    const model = this.resolver.listModels().find((candidate) => candidate.id === id);
    if (!model) throw GatewayError.modelNotFound(id);
    return this.card(model);
  }

  private card(model: { id: string; ownedBy: string }): ModelCard {
    return { id: model.id, object: 'model', created: this.created, owned_by: model.ownedBy };
  }
}
