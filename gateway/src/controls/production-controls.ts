import type { Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { Logger } from 'pino';
import { AdminAuditInterceptor } from '../admin/admin-audit.interceptor';
import { ControlsAdminController } from '../admin/controls-admin.controller';
import { ClientAccessGuard } from '../auth/client-access.guard';
import { ClientAuthService } from '../auth/client-auth.service';
import { ResponseCache } from '../cache/response-cache';
import { ChatControls } from '../chat/chat-controls';
import { PriceTable } from '../cost/price-table';
import { ReadinessController } from '../health/readiness.controller';
import { MINUTE_MS, RateLimitPolicy } from '../limits/rate-limit-policy';
import { RequestRateGuard } from '../limits/request-rate.guard';
import { LOGGER } from '../logging/logger';
import { RequestLogService } from '../logging/request-log.service';
import { CircuitStateMetrics } from '../metrics/circuit-state-metrics';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { MetricLabels } from '../metrics/metric-labels';
import { MetricsController } from '../metrics/metrics.controller';
import {
  LoggingRouterObserver,
  MetricsRouterObserver,
  ProviderStatsObserver,
} from '../metrics/router-observers';
import { PersistenceModule } from '../persistence/persistence.module';
import { ROUTER_OBSERVERS } from '../routing/routing.module';
import type { RateLimitStore } from '../state/rate-limit-store';
import { RATE_LIMIT_STORE, StateModule } from '../state/state.module';
import { CredentialCache } from '../tenants/credential-cache';
import { TenantService } from '../tenants/tenant.service';
import { TenantsAdminController } from '../tenants/tenants-admin.controller';
import { BudgetSpend } from '../usage/budget-spend';
import { QuotaService } from '../usage/quota.service';
import { UsageLedgerWriter } from '../usage/usage-ledger-writer';
import { UsageRecorder } from '../usage/usage-recorder';

/**
 * Issue 6 wiring, kept out of app.module.ts: keys and tenants, throttling, cache, usage and cost,
 * metrics, health and logs. `observabilityProviders` go in the global core module (the router's
 * observers need them); the rest in the app module.
 */
export const observabilityProviders: Provider[] = [
  {
    provide: PriceTable,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => new PriceTable(config),
  },
  {
    provide: GatewayMetrics,
    inject: [APP_CONFIG, PriceTable],
    useFactory: (config: AppConfig, prices: PriceTable) =>
      new GatewayMetrics(new MetricLabels(config, prices.knownModels())),
  },
  // A factory, not a value: every app (tests boot several per process) needs its own stats.
  { provide: ProviderStatsObserver, useFactory: () => new ProviderStatsObserver() },
  {
    provide: ROUTER_OBSERVERS,
    inject: [GatewayMetrics, ProviderStatsObserver, LOGGER],
    useFactory: (metrics: GatewayMetrics, stats: ProviderStatsObserver, logger: Logger) => [
      new MetricsRouterObserver(metrics),
      stats,
      new LoggingRouterObserver(logger),
    ],
  },
];

export const observabilityExports = [PriceTable, GatewayMetrics, ProviderStatsObserver];

export const productionControlImports = [
  StateModule.register(),
  PersistenceModule.register(),
  TerminusModule.forRoot({ logger: false }),
  ThrottlerModule.forRootAsync({
    inject: [RATE_LIMIT_STORE],
    // The limit is the caller's own (RequestRateGuard); the window is one minute.
    useFactory: (storage: RateLimitStore) => ({
      storage,
      throttlers: [{ name: 'default', ttl: MINUTE_MS, limit: 0 }],
    }),
  }),
];

export const productionControlControllers = [
  TenantsAdminController,
  ControlsAdminController,
  MetricsController,
  ReadinessController,
];

export const productionControlProviders: Provider[] = [
  ClientAuthService,
  CredentialCache,
  TenantService,
  RequestLogService,
  RateLimitPolicy,
  ResponseCache,
  UsageLedgerWriter,
  BudgetSpend,
  QuotaService,
  UsageRecorder,
  ChatControls,
  CircuitStateMetrics,
  { provide: APP_GUARD, useClass: ClientAccessGuard },
  { provide: APP_GUARD, useClass: RequestRateGuard },
  // Audit logging is bound on the admin controllers only: a global interceptor would put an
  // rxjs pipeline (and two AsyncResource binds) on every client request.
  AdminAuditInterceptor,
];
