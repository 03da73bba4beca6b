import { Get, Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AdminController } from '../../access/api-metadata';
import { DiscoveredModels } from '../../routing/discovered-models';
import { DEFAULT_ALIASES } from '../../routing/route-resolver';

/**
 * How requests are routed, as configured: the default chain, the aliases with their targets, and
 * which models each provider serves (configured, and listed by its upstream). Base URLs and credentials are left out.
 */
@AdminController('routes')
export class RoutesAdminController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DiscoveredModels) private readonly discovered: DiscoveredModels,
  ) {}

  @Get()
  routes() {
    const { routing, providers } = this.config;
    const configured = new Set(routing.routes.map((route) => route.alias));
    const defaultTargets = routing.defaultChain.map((provider) => ({ provider, model: null }));
    return {
      object: 'routes',
      default_chain: routing.defaultChain,
      aliases: [
        ...DEFAULT_ALIASES.filter((alias) => !configured.has(alias)).map((alias) => ({
          alias,
          source: 'default_chain',
          targets: defaultTargets,
        })),
        ...routing.routes.map((route) => ({
          alias: route.alias,
          source: 'config',
          targets: route.targets.map((target) => ({
            provider: target.provider,
            model: target.model ?? null,
          })),
        })),
      ],
      providers: providers.map((provider) => ({
        id: provider.id,
        type: provider.type,
        default_model: provider.defaultModel,
        models: provider.models,
        discovered_models: this.discovered.of(provider.id),
        embedding_model: provider.embeddingModel ?? null,
        aliases: provider.aliases,
      })),
      resilience: {
        failure_threshold: routing.failureThreshold,
        recovery_timeout_seconds: routing.recoveryTimeoutMs / 1000,
        max_retries: routing.maxRetries,
        request_timeout_ms: routing.requestTimeoutMs,
        first_byte_timeout_ms: routing.firstByteTimeoutMs,
        stream_idle_timeout_ms: routing.streamIdleTimeoutMs,
      },
    };
  }
}
