import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { createTracing, TRACING } from '@app/tracing';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AdminAuditInterceptor } from './access/admin-audit.interceptor';
import { ApiAccessGuard } from './access/api-access.guard';
import { ClientAuthService } from './access/client-auth.service';
import { ConsoleSessions, SESSION_REVOCATIONS } from './access/console-session/console-sessions';
import {
  MemorySessionRevocations,
  RedisSessionRevocations,
} from './access/console-session/session-revocations';
import { CircuitsAdminController } from './api/admin/circuits-admin.controller';
import { ControlsAdminController } from './api/admin/controls-admin.controller';
import { ProvidersAdminController } from './api/admin/providers-admin.controller';
import { RoutesAdminController } from './api/admin/routes-admin.controller';
import { ConsoleSessionController } from './api/console/console-session.controller';
import { TenantsAdminController } from './api/admin/tenants-admin.controller';
import { CountTokensController } from './api/anthropic/count-tokens.controller';
import { MessagesRoute } from './api/anthropic/messages.route';
import { CLIENT_ROUTES, type ClientRoute } from './api/client-routes/client-route';
import { ClientRouteRegistry } from './api/client-routes/client-route-registry';
import { ChatCompletionsRoute } from './api/openai/chat-completions.route';
import { ResponsesCreateRoute } from './api/openai/responses-create.route';
import { EmbeddingsController } from './api/openai/embeddings.controller';
import { ModelsController } from './api/openai/models.controller';
import { ResponsesController } from './api/openai/responses.controller';
import { HealthController, HealthDetailController } from './api/ops/health.controller';
import { MetricsController } from './api/ops/metrics.controller';
import { RagController } from './api/rag/rag.controller';
import { AiQueryController } from './api/seeds/ai-query.controller';
import { ResponseCache } from './cache/response-cache';
import { ChatCompletionsService } from './chat/chat-completions.service';
import { ConsoleStaticRoutes } from './console/static/console-static-routes';
import { PriceTable } from './cost/price-table';
import { EmbeddingsService } from './embeddings/embeddings.service';
import { ProviderInsights } from './health/provider-insights';
import { ProviderStatusService } from './health/provider-status.service';
import { ReadinessService } from './health/readiness.service';
import { RateLimitPolicy } from './limits/rate-limit-policy';
import { RequestRateLimiter } from './limits/request-rate-limiter';
import { LOGGER } from './logging/logger';
import { AnthropicErrorShape } from './messages/anthropic-error-shape';
import { MessagesService } from './messages/messages.service';
import { RequestLogService } from './observability/request-log.service';
import { TracingShutdown } from './observability/tracing-shutdown';
import { CircuitStateMetrics } from './observability/circuit-state-metrics';
import { GatewayMetrics } from './observability/gateway-metrics';
import { MetricLabels } from './observability/metric-labels';
import {
  LoggingRouterObserver,
  MetricsRouterObserver,
  ProviderStatsObserver,
} from './observability/router-observers';
import { OpenApiModule } from './openapi/openapi.module';
import { PersistenceModule } from './persistence/persistence.module';
import { RagCollectionsService } from './rag/rag-collections.service';
import { RagQueryService } from './rag/rag-query.service';
import { ResponsesService } from './responses/responses.service';
import { ROUTER_OBSERVERS, RoutingModule } from './routing/routing.module';
import { CredentialCache } from './tenants/credential-cache';
import { TenantService } from './tenants/tenant.service';
import { TopologyModule } from './topology/topology.module';
import { REDIS_CLIENT } from './topology/topology.tokens';
import { BudgetSpend } from './usage/budget-spend';
import { QuotaService } from './usage/quota.service';
import { UsageLedgerWriter } from './usage/usage-ledger-writer';
import { UsageRecorder } from './usage/usage-recorder';

/** The client routes, listed once: each is a provider, and together they are CLIENT_ROUTES. */
const CLIENT_ROUTE_TYPES = [ChatCompletionsRoute, MessagesRoute, ResponsesCreateRoute];

/**
 * Process-wide values every module may inject: the config, the logger, prices, metrics and the
 * router's observers (metrics, provider stats, logs).
 */
@Global()
@Module({})
class CoreModule {
  static register(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        // The OpenTelemetry SDK loads here only when an exporter is configured (OTEL_*).
        { provide: TRACING, useFactory: () => createTracing(config.tracing, 'ai-gateway') },
        TracingShutdown,
        { provide: PriceTable, useFactory: () => new PriceTable(config) },
        {
          provide: GatewayMetrics,
          inject: [PriceTable],
          useFactory: (prices: PriceTable) =>
            new GatewayMetrics(new MetricLabels(config, prices.knownModels())),
        },
        // A factory, not a value: every app (tests boot several per process) needs its own stats.
        { provide: ProviderStatsObserver, useFactory: () => new ProviderStatsObserver() },
        {
          provide: ROUTER_OBSERVERS,
          inject: [GatewayMetrics, ProviderStatsObserver],
          useFactory: (metrics: GatewayMetrics, stats: ProviderStatsObserver) => [
            new MetricsRouterObserver(metrics),
            stats,
            new LoggingRouterObserver(logger),
          ],
        },
      ],
      exports: [
        APP_CONFIG,
        LOGGER,
        TRACING,
        PriceTable,
        GatewayMetrics,
        ProviderStatsObserver,
        ROUTER_OBSERVERS,
      ],
    };
  }
}

/**
 * The gateway: controllers by API surface (`api/`), one use-case service per capability, the
 * access guard, and the modules below them (topology, routing, core).
 */
@Module({})
export class AppModule {
  static register(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(config, logger),
        TopologyModule.register(),
        // Global, so its shutdown hook runs after this module's: the usage writer flushes its
        // last rows before the database connection closes.
        PersistenceModule.register(),
        RoutingModule.register(),
        TerminusModule.forRoot({ logger: false }),
        OpenApiModule,
      ],
      controllers: [
        CountTokensController,
        EmbeddingsController,
        ModelsController,
        ResponsesController,
        AiQueryController,
        RagController,
        HealthController,
        HealthDetailController,
        MetricsController,
        TenantsAdminController,
        ControlsAdminController,
        CircuitsAdminController,
        ProvidersAdminController,
        RoutesAdminController,
        // The browser console at /ui and its sign-in; UI_ENABLED=false answers 404 there.
        ...(config.console.enabled ? [ConsoleSessionController] : []),
      ],
      providers: [
        // use cases
        ChatCompletionsService,
        MessagesService,
        AnthropicErrorShape,
        ResponsesService,
        EmbeddingsService,
        RagCollectionsService,
        RagQueryService,
        // access, limits, usage, cache
        ApiAccessGuard,
        { provide: APP_GUARD, useExisting: ApiAccessGuard },
        // The data plane's hot endpoints, served by Fastify directly (see ClientRouteRegistry).
        ...CLIENT_ROUTE_TYPES,
        {
          provide: CLIENT_ROUTES,
          inject: CLIENT_ROUTE_TYPES,
          useFactory: (...routes: ClientRoute[]) => routes,
        },
        ClientRouteRegistry,
        ClientAuthService,
        {
          provide: SESSION_REVOCATIONS,
          inject: [REDIS_CLIENT],
          useFactory: (client: Redis | null) =>
            client
              ? new RedisSessionRevocations(client, config.redisKeyPrefix)
              : new MemorySessionRevocations(),
        },
        ConsoleSessions,
        RateLimitPolicy,
        RequestRateLimiter,
        CredentialCache,
        UsageLedgerWriter,
        BudgetSpend,
        QuotaService,
        UsageRecorder,
        ResponseCache,
        TenantService,
        // observability
        RequestLogService,
        CircuitStateMetrics,
        ProviderStatusService,
        ProviderInsights,
        ReadinessService,
        // Audit logging is bound on the admin controllers only (`@AdminController`): a global
        // interceptor would put an rxjs pipeline on every client request.
        AdminAuditInterceptor,
        ...(config.console.enabled ? [ConsoleStaticRoutes] : []),
      ],
    };
  }
}
