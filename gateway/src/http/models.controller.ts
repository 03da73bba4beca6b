import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GatewayError, type ModelCard } from '@app/contracts';
import { RouteResolver } from '../routing/route-resolver';
import { requestRecordOf } from './request-record';

/**
 * Every model name the gateway routes: aliases (owned by "gateway") and providers' models; a
 * tenant whose key has an allow-list sees only the models it may use.
 */
@Controller('v1/models')
export class ModelsController {
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(@Inject(RouteResolver) private readonly resolver: RouteResolver) {}

  @Get()
  list(@Req() request: FastifyRequest): { object: 'list'; data: ModelCard[] } {
    return { object: 'list', data: this.visibleModels(request).map((model) => this.card(model)) };
  }

  @Get(':id')
  retrieve(@Param('id') id: string, @Req() request: FastifyRequest): ModelCard {
    const model = this.visibleModels(request).find((candidate) => candidate.id === id);
    if (!model) throw GatewayError.modelNotFound(id);
    return this.card(model);
  }

  private visibleModels(request: FastifyRequest): { id: string; ownedBy: string }[] {
    const principal = requestRecordOf(request)?.principal;
    const allowed = principal?.kind === 'tenant' ? principal.tenant.allowedModels : undefined;
    const models = this.resolver.listModels();
    return allowed ? models.filter((model) => allowed.includes(model.id)) : models;
  }

  private card(model: { id: string; ownedBy: string }): ModelCard {
    return { id: model.id, object: 'model', created: this.created, owned_by: model.ownedBy };
  }
}
