import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { LocalDispatcher } from '@app/inference/dispatch';
import { createProvider } from '../providers/provider-factory';
import type { Logger } from 'pino';
import { LOGGER } from '../logging/logger';
import { LOCAL_DISPATCHER } from '../topology/topology.tokens';
import { ProviderRegistry } from '../providers/provider-registry';
import { ChatRouter } from './chat-router';
import { CircuitRegistry } from './circuit-registry';
import { DiscoveredModels } from './discovered-models';
import { ModelDiscovery } from './model-discovery';
import { RouteResolver } from './route-resolver';
import type { RouterObserver } from './router-observer';

/** Injection token for the list of router observers (metrics, logs). */
export const ROUTER_OBSERVERS = Symbol('ROUTER_OBSERVERS');

const routingProviders: Provider[] = [
  {
    provide: ProviderRegistry,
    inject: [APP_CONFIG, LOCAL_DISPATCHER, LOGGER],
    useFactory: (config: AppConfig, localDispatcher: LocalDispatcher, logger: Logger) =>
      new ProviderRegistry(
        config.providers.map((provider) =>
          createProvider(provider, {
            routing: config.routing,
            localDispatcher,
            localMaxQueue: config.worker.maxQueue,
            logger,
          }),
        ),
      ),
  },
  {
    provide: CircuitRegistry,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => new CircuitRegistry(config.routing),
  },
  // A factory, not a value: every app (tests boot several per process) discovers its own.
  { provide: DiscoveredModels, useFactory: () => new DiscoveredModels() },
  {
    provide: ModelDiscovery,
    inject: [APP_CONFIG, ProviderRegistry, DiscoveredModels, LOGGER],
    useFactory: (
      config: AppConfig,
      registry: ProviderRegistry,
      discovered: DiscoveredModels,
      logger: Logger,
    ) =>
      new ModelDiscovery(
        registry.providers,
        discovered,
        {
          refreshMs: config.routing.modelRefreshMs,
          timeoutMs: config.routing.modelDiscoveryTimeoutMs,
        },
        logger,
      ),
  },
  {
    provide: RouteResolver,
    inject: [APP_CONFIG, ProviderRegistry, DiscoveredModels],
    useFactory: (config: AppConfig, registry: ProviderRegistry, discovered: DiscoveredModels) =>
      new RouteResolver(config.routing, registry, discovered),
  },
  {
    provide: ChatRouter,
    inject: [APP_CONFIG, RouteResolver, CircuitRegistry, ROUTER_OBSERVERS],
    useFactory: (
      config: AppConfig,
      resolver: RouteResolver,
      circuits: CircuitRegistry,
      observers: RouterObserver[],
    ) => new ChatRouter(config.routing, resolver, circuits, observers),
  },
];

@Module({})
export class RoutingModule {
  static register(): DynamicModule {
    return {
      module: RoutingModule,
      // Process-wide like the config: feature modules (the console) read circuits and providers.
      global: true,
      providers: routingProviders,
      exports: [ProviderRegistry, CircuitRegistry, RouteResolver, ChatRouter, DiscoveredModels],
    };
  }
}
