import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import { APP_CONFIG } from '@app/config';
import type { Redis } from 'ioredis';
import { ProviderStatusService } from '../health/provider-status.service';
import { REDIS_CLIENT } from '../state/redis-connection';
import { ProviderInsights } from './admin/provider-insights';
import { ProvidersAdminController } from './admin/providers-admin.controller';
import { RoutesAdminController } from './admin/routes-admin.controller';
import { ConsoleSessionController } from './session/console-session.controller';
import { ConsoleSessions, SESSION_REVOCATIONS } from './session/console-sessions';
import { MemorySessionRevocations, RedisSessionRevocations } from './session/session-revocations';
import { ConsoleStaticRoutes } from './static/console-static-routes';

/**
 * The browser console (issue 17): the built single-page app at /ui with its sign-in, and the
 * admin endpoints its pages read (providers live, routes). UI_ENABLED=false removes /ui and the
 * sign-in (404); the admin endpoints stay, since they are plain admin API.
 * `ConsoleSessions` is exported for the guards that accept a console session instead of a key.
 */
@Module({})
export class ConsoleModule {
  static register(config: AppConfig): DynamicModule {
    const sessionProviders: Provider[] = [
      {
        provide: SESSION_REVOCATIONS,
        inject: [APP_CONFIG, REDIS_CLIENT],
        useFactory: (appConfig: AppConfig, client: Redis | null) =>
          client
            ? new RedisSessionRevocations(client, appConfig.redisKeyPrefix)
            : new MemorySessionRevocations(),
      },
      ConsoleSessions,
    ];
    return {
      module: ConsoleModule,
      controllers: [
        ProvidersAdminController,
        RoutesAdminController,
        ...(config.console.enabled ? [ConsoleSessionController] : []),
      ],
      providers: [
        // Stateless: its own instance reads the same (global) circuit and provider registries.
        ProviderStatusService,
        ProviderInsights,
        ...sessionProviders,
        ...(config.console.enabled ? [ConsoleStaticRoutes] : []),
      ],
      exports: [ConsoleSessions],
    };
  }
}
