import { Inject, Injectable } from '@nestjs/common';
import type { Usage } from '@app/contracts';
import type { Logger } from 'pino';
import { PriceTable } from '../cost/price-table';
import { LOGGER } from '../logging/logger';
import { GatewayMetrics } from '../observability/gateway-metrics';
import type { StateStore } from '../state/state-store';
import { subjectOf } from '../request/principal';
import type { RequestContext } from '../request/request-context';
import { STATE_STORE } from '../topology/topology.tokens';
import { toNanoUsd, usagePeriod } from './usage-period';

/**
 * Turns one answered call's usage into cost, metrics and the tenant's counters. The store write
 * is not awaited: it is queued on the same connection as later reads (so the next budget check
 * sees it) and a store outage must not fail an answer that is already paid for.
 */
@Injectable()
export class UsageRecorder {
  constructor(
    @Inject(STATE_STORE) private readonly state: StateStore,
    @Inject(PriceTable) private readonly prices: PriceTable,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Returns the cost in USD. */
  record(
    record: RequestContext,
    provider: string,
    model: string,
    usage: Usage | null | undefined,
  ): number {
    const promptTokens = usage?.prompt_tokens ?? 0;
    const completionTokens = usage?.completion_tokens ?? 0;
    const costUsd = this.prices.costUsd(provider, model, promptTokens, completionTokens);
    record.provider = provider;
    record.model = model;
    record.promptTokens = promptTokens;
    record.completionTokens = completionTokens;
    record.costUsd = costUsd;
    this.metrics.usage(provider, model, promptTokens, completionTokens, costUsd);
    const entry = {
      subject: subjectOf(record.principal),
      model,
      promptTokens,
      completionTokens,
      costNanoUsd: toNanoUsd(costUsd),
      ...usagePeriod(),
    };
    this.state.recordUsage(entry).catch((error: unknown) => {
      this.logger.error(
        { err: { message: (error as Error).message }, requestId: record.requestId },
        'usage not recorded',
      );
    });
    return costUsd;
  }
}
