import { Delete, Get, HttpCode, Inject, Param, Query } from '@nestjs/common';
import { GatewayError } from '@app/contracts';
import { AdminController } from '../../access/api-metadata';
import { ResponseCache } from '../../cache/response-cache';
import { currentMinute, MINUTE_MS } from '../../limits/rate-limit-policy';
import {
  API_KEY_REPOSITORY,
  TENANT_REPOSITORY,
  USAGE_LEDGER,
} from '../../persistence/persistence.module';
import type {
  ApiKeyRepository,
  TenantRepository,
  UsageLedger,
} from '../../persistence/repositories';
import type { RateLimitStore } from '../../state/rate-limit-store';
import type { TokenCounterStore } from '../../state/token-counter-store';
import { RATE_LIMIT_STORE, TOKEN_COUNTER_STORE } from '../../topology/topology.tokens';
import { UsageLedgerWriter } from '../../usage/usage-ledger-writer';
import { reportDays, usageReport } from '../../usage/usage-report';

/** Usage, rate-limit counters and the response cache (seeds 002 and 004). */
@AdminController()
export class ControlsAdminController {
  constructor(
    @Inject(TENANT_REPOSITORY) private readonly tenants: TenantRepository,
    @Inject(API_KEY_REPOSITORY) private readonly apiKeys: ApiKeyRepository,
    @Inject(USAGE_LEDGER) private readonly ledger: UsageLedger,
    @Inject(UsageLedgerWriter) private readonly ledgerWriter: UsageLedgerWriter,
    @Inject(TOKEN_COUNTER_STORE) private readonly tokenCounters: TokenCounterStore,
    @Inject(RATE_LIMIT_STORE) private readonly rateLimits: RateLimitStore,
    @Inject(ResponseCache) private readonly cache: ResponseCache,
  ) {}

  /**
   * `?tenant=&from=&to=` (ISO dates, inclusive, UTC days), summed by the database. This replica's
   * unwritten rows are flushed first, so a report includes every call it answered before it.
   */
  @Get('usage')
  async usage(
    @Query('tenant') tenant?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ) {
    const days = reportDays(from, to);
    await this.ledgerWriter.flush();
    const summary = await this.ledger.summarize({
      fromDay: days[0],
      toDay: days[days.length - 1],
      subject: tenant || undefined,
    });
    return usageReport(summary, days, tenant || undefined);
  }

  /** A tenant id, or a key id (which counts under its tenant). */
  @Get('ratelimit/:id')
  async rateLimit(@Param('id') id: string) {
    const subject = await this.subjectOf(id);
    const minute = currentMinute();
    const [window, tokensUsed, tenant] = await Promise.all([
      this.rateLimits.peek(`rpm:${subject}`),
      this.tokenCounters.read(subject, minute),
      this.tenants.get(subject),
    ]);
    return {
      id,
      tenant_id: subject,
      requests: {
        used: window?.hits ?? 0,
        limit: tenant?.rateLimitRpm ?? null,
        reset_seconds: window ? Math.ceil(window.resetMs / 1000) : 0,
      },
      tokens: {
        used: tokensUsed,
        limit: tenant?.tokensPerMinute ?? null,
        reset_seconds: Math.ceil((MINUTE_MS - (Date.now() % MINUTE_MS)) / 1000),
      },
    };
  }

  @Delete('ratelimit/:id')
  @HttpCode(200)
  async resetRateLimit(@Param('id') id: string) {
    const subject = await this.subjectOf(id);
    await Promise.all([
      this.rateLimits.reset(`rpm:${subject}`),
      this.tokenCounters.reset(subject, currentMinute()),
    ]);
    return { id, tenant_id: subject, reset: true };
  }

  @Delete('cache')
  @HttpCode(200)
  async clearCache() {
    return { cleared: await this.cache.clear() };
  }

  private async subjectOf(id: string): Promise<string> {
    if (await this.tenants.get(id)) return id;
    const key = await this.apiKeys.get(id);
    if (key) return key.tenantId;
    if (id === 'admin') return id;
    throw new GatewayError(
      404,
      `No tenant or API key '${id}'`,
      'not_found_error',
      'not_found',
      'id',
    );
  }
}
