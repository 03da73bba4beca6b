import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { GatewayError } from '@app/contracts';
import { RateLimitPolicy } from '../limits/rate-limit-policy';
import { GatewayMetrics } from '../observability/gateway-metrics';
import { subjectOf, type Principal } from '../request/principal';
import type { TokenCounterStore } from '../state/token-counter-store';
import { TOKEN_COUNTER_STORE } from '../topology/topology.tokens';
import { BudgetSpend } from './budget-spend';
import { budgetPeriodStart, NANOS_PER_USD, usagePeriod } from './usage-period';
import { isDatabaseUnavailable } from '../persistence/database-unavailable';
import { isStoreUnavailable } from '../state/redis-connection';

const PERIOD_WORDS = { daily: 'daily', monthly: 'monthly', total: 'total' } as const;

/**
 * Checked before any provider call: the tenant's budget (402) against the ledger plus spend not
 * yet written (from memory, after the first check), and tokens per minute (429) from the hot
 * counters. Concurrent calls of one tenant may overshoot a budget by what is in flight, and
 * replicas see each other's spend within USAGE_FLUSH_INTERVAL_MS + SPEND_CACHE_TTL_MS; none
 * starts once the budget is seen spent.
 */
@Injectable()
export class QuotaService {
  private readonly failOpen: boolean;

  constructor(
    @Inject(BudgetSpend) private readonly spend: BudgetSpend,
    @Inject(TOKEN_COUNTER_STORE) private readonly tokens: TokenCounterStore,
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
    const subject = subjectOf(principal);
    const budgetPeriod = tenant?.budgetPeriod ?? 'total';
    let spentNanoUsd: number;
    let tokensThisMinute: number;
    try {
      [spentNanoUsd, tokensThisMinute] = await Promise.all([
        budgetUsd === undefined
          ? 0
          : this.spend.spentSince(subject, budgetPeriodStart(budgetPeriod, period), now),
        tokenLimit === 0 ? 0 : this.tokens.read(subject, period.minute),
      ]);
    } catch (error) {
      // RATE_LIMIT_FAIL_MODE=open: while the counters' store (Redis) or the ledger (the
      // database) is down, budgets and tokens per minute are not enforced, like request limits;
      // closed: the 503 stands.
      if (this.failOpen && (isStoreUnavailable(error) || isDatabaseUnavailable(error))) return;
      throw error;
    }
    if (budgetUsd !== undefined && spentNanoUsd >= budgetUsd * NANOS_PER_USD) {
      const spent = (spentNanoUsd / NANOS_PER_USD).toFixed(6);
      throw new GatewayError(
        402,
        `Budget exceeded: tenant '${tenant!.name}' has spent $${spent} of its ${PERIOD_WORDS[budgetPeriod]} budget of $${budgetUsd}. Raise budget_usd or wait for the next period.`,
        'insufficient_quota',
        'budget_exceeded',
      );
    }
    if (tokenLimit > 0 && tokensThisMinute >= tokenLimit) this.tokensExceeded(tokenLimit, now);
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
