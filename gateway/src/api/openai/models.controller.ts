import { Controller, Get, Inject, Param } from '@nestjs/common';
import { GatewayError, type ModelCard } from '@app/contracts';
import { ClientApi } from '../../access/api-metadata';
import { allowedModelsOf } from '../../request/principal';
import type { RequestContext } from '../../request/request-context';
import { Ctx } from '../../request/request-scope';
import { RouteResolver } from '../../routing/route-resolver';

/**
 * Every model name the gateway routes: aliases (owned by "gateway") and providers' models; a
 * tenant whose key has an allow-list sees only the models it may use.
 */
@ClientApi()
@Controller('v1/models')
export class ModelsController {
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(@Inject(RouteResolver) private readonly resolver: RouteResolver) {}

  @Get()
  list(@Ctx() context: RequestContext): { object: 'list'; data: ModelCard[] } {
    return { object: 'list', data: this.visibleModels(context).map((model) => this.card(model)) };
  }

  @Get(':id')
  retrieve(@Param('id') id: string, @Ctx() context: RequestContext): ModelCard {
    const model = this.visibleModels(context).find((candidate) => candidate.id === id);
    if (!model) throw GatewayError.modelNotFound(id);
    return this.card(model);
  }

  private visibleModels(context: RequestContext): { id: string; ownedBy: string }[] {
    const allowed = allowedModelsOf(context.principal);
    const models = this.resolver.listModels();
    return allowed ? models.filter((model) => allowed.includes(model.id)) : models;
  }

  private card(model: { id: string; ownedBy: string }): ModelCard {
    return { id: model.id, object: 'model', created: this.created, owned_by: model.ownedBy };
  }
}
