import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { GatewayError } from '@app/contracts';
import { subjectOf, type Principal } from '../auth/principal';
import { RateLimitPolicy } from '../limits/rate-limit-policy';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { isStoreUnavailable } from '../state/redis-connection';
import { STATE_STORE } from '../state/state.module';
import { spendPeriodKey, type StateStore } from '../state/state-store';
import { NANOS_PER_USD, usagePeriod } from './usage-period';

const PERIOD_WORDS = { daily: 'daily', monthly: 'monthly', total: 'total' } as const;

/**
 * Checked before any provider call, from the same atomic counters usage is added to: the
 * tenant's budget (402) and tokens per minute (429). One store read for both. Concurrent calls
 * of one tenant may overshoot a budget by what is in flight; none starts once it is spent.
 */
@Injectable()
export class QuotaService {
  private readonly failOpen: boolean;

  constructor(
    @Inject(STATE_STORE) private readonly state: StateStore,
    @Inject(RateLimitPolicy) private readonly limits: RateLimitPolicy,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.failOpen = config.controls.rateLimitFailMode === 'open';
  }

  async assertWithinQuota(principal: Principal, now = Date.now()): Promise<void> {
    const tenant = principal.kind === 'tenant' ? principal.tenant : undefined;
    const budgetUsd = tenant?.budgetUsd;
    const tokenLimit = this.limits.tokensPerMinute(principal);
    if (budgetUsd === undefined && tokenLimit === 0) return;
    const period = usagePeriod(now);
    const budgetPeriod = tenant?.budgetPeriod ?? 'total';
    let quota;
    try {
      quota = await this.state.readQuota(
        subjectOf(principal),
        spendPeriodKey(budgetPeriod, period),
        period.minute,
      );
    } catch (error) {
      // RATE_LIMIT_FAIL_MODE=open: while the counters' store is down, budgets and tokens per
      // minute are not enforced (like request limits); closed: the 503 stands.
      if (this.failOpen && isStoreUnavailable(error)) return;
      throw error;
    }
    if (budgetUsd !== undefined && quota.spentNanoUsd >= budgetUsd * NANOS_PER_USD) {
      const spent = (quota.spentNanoUsd / NANOS_PER_USD).toFixed(6);
      throw new GatewayError(
        402,
        `Budget exceeded: tenant '${tenant!.name}' has spent $${spent} of its ${PERIOD_WORDS[budgetPeriod]} budget of $${budgetUsd}. Raise budget_usd or wait for the next period.`,
        'insufficient_quota',
        'budget_exceeded',
      );
    }
    if (tokenLimit > 0 && quota.tokensThisMinute >= tokenLimit)
      this.tokensExceeded(tokenLimit, now);
  }

  private tokensExceeded(limit: number, now: number): never {
    this.metrics.rateLimitExceeded('tokens');
    const retryAfter = String(Math.max(1, Math.ceil((60_000 - (now % 60_000)) / 1000)));
    throw new GatewayError(
      429,
      `Rate limit reached: ${limit} tokens per minute. Retry in ${retryAfter}s.`,
      'rate_limit_error',
      'tokens_per_minute_exceeded',
      null,
      {},
      {
        'retry-after': retryAfter,
        'x-ratelimit-limit-tokens': String(limit),
        'x-ratelimit-remaining-tokens': '0',
        'x-ratelimit-reset-tokens': `${retryAfter}s`,
      },
    );
  }
}
