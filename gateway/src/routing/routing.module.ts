import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { createProvider } from '../providers/provider-factory';
import { ProviderRegistry } from '../providers/provider-registry';
import { ChatRouter } from './chat-router';
import { CircuitRegistry } from './circuit-registry';
import { RouteResolver } from './route-resolver';
import type { RouterObserver } from './router-observer';

/** Injection token for the list of router observers (metrics, logs). */
export const ROUTER_OBSERVERS = Symbol('ROUTER_OBSERVERS');
/** Injection token for services some provider builders need (e.g. the local dispatcher). */
export const PROVIDER_SERVICES = Symbol('PROVIDER_SERVICES');

const routingProviders: Provider[] = [
  {
    provide: ProviderRegistry,
    inject: [APP_CONFIG, PROVIDER_SERVICES],
    useFactory: (config: AppConfig, services: Record<string, unknown>) =>
      new ProviderRegistry(
        config.providers.map((provider) =>
          createProvider(provider, { routing: config.routing, services }),
        ),
      ),
  },
  {
    provide: CircuitRegistry,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => new CircuitRegistry(config.routing),
  },
  {
    provide: RouteResolver,
    inject: [APP_CONFIG, ProviderRegistry],
    useFactory: (config: AppConfig, registry: ProviderRegistry) =>
      new RouteResolver(config.routing, registry),
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
      exports: [ProviderRegistry, CircuitRegistry, RouteResolver, ChatRouter],
    };
  }
}
