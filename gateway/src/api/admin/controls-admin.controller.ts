import { Delete, Get, HttpCode, Inject, Param, Query } from '@nestjs/common';
import { GatewayError } from '@app/contracts';
import { AdminController } from '../../access/api-metadata';
import { ResponseCache } from '../../cache/response-cache';
import { currentMinute, MINUTE_MS } from '../../limits/rate-limit-policy';
import type { RateLimitStore } from '../../state/rate-limit-store';
import type { StateStore } from '../../state/state-store';
import { RATE_LIMIT_STORE, STATE_STORE } from '../../topology/topology.tokens';
import { reportDays, usageReport } from '../../usage/usage-report';

/** Usage, rate-limit counters and the response cache (seeds 002 and 004). */
@AdminController()
export class ControlsAdminController {
  constructor(
    @Inject(STATE_STORE) private readonly state: StateStore,
    @Inject(RATE_LIMIT_STORE) private readonly rateLimits: RateLimitStore,
    @Inject(ResponseCache) private readonly cache: ResponseCache,
  ) {}

  /** `?tenant=&from=&to=` (ISO dates, inclusive, UTC days). */
  @Get('usage')
  async usage(
    @Query('tenant') tenant?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ) {
    const days = reportDays(from, to);
    return usageReport(await this.state.usageByDay(days), days, tenant || undefined);
  }

  /** A tenant id, or a key id (which counts under its tenant). */
  @Get('ratelimit/:id')
  async rateLimit(@Param('id') id: string) {
    const subject = await this.subjectOf(id);
    const minute = currentMinute();
    const [window, quota] = await Promise.all([
      this.rateLimits.peek(`rpm:${subject}`),
      this.state.readQuota(subject, 'total', minute),
    ]);
    const tenant = await this.state.getTenant(subject);
    return {
      id,
      tenant_id: subject,
      requests: {
        used: window?.hits ?? 0,
        limit: tenant?.rateLimitRpm ?? null,
        reset_seconds: window ? Math.ceil(window.resetMs / 1000) : 0,
      },
      tokens: {
        used: quota.tokensThisMinute,
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
      this.state.resetTokens(subject, currentMinute()),
    ]);
    return { id, tenant_id: subject, reset: true };
  }

  @Delete('cache')
  @HttpCode(200)
  async clearCache() {
    return { cleared: await this.cache.clear() };
  }

  private async subjectOf(id: string): Promise<string> {
    if (await this.state.getTenant(id)) return id;
    const key = await this.state.getKey(id);
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
