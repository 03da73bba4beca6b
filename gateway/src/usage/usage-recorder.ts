import { Inject, Injectable } from '@nestjs/common';
import type { Usage } from '@app/contracts';
import type { Logger } from 'pino';
import { PriceTable } from '../cost/price-table';
import { LOGGER } from '../logging/logger';
import { GatewayMetrics } from '../observability/gateway-metrics';
import { isoTimestamp } from '../runtime/iso-timestamp';
import { subjectOf } from '../request/principal';
import type { RequestContext } from '../request/request-context';
import type { TokenCounterStore } from '../state/token-counter-store';
import { TOKEN_COUNTER_STORE } from '../topology/topology.tokens';
import { usageEventId } from './usage-event-id';
import { toNanoUsd, usagePeriod } from './usage-period';
import { UsageLedgerWriter } from './usage-ledger-writer';

/**
 * Turns one answered call's usage into cost, metrics, the tokens-per-minute counter (hot state,
 * not awaited: a counter outage must not fail an answer already paid for) and a ledger row
 * (buffered in memory and written in batches, kept while the database is away).
 */
@Injectable()
export class UsageRecorder {
  constructor(
    @Inject(TOKEN_COUNTER_STORE) private readonly tokens: TokenCounterStore,
    @Inject(UsageLedgerWriter) private readonly ledger: UsageLedgerWriter,
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
    const subject = subjectOf(record.principal);
    const now = Date.now();
    const period = usagePeriod(now);
    if (promptTokens + completionTokens > 0)
      this.tokens
        .add(subject, period.minute, promptTokens + completionTokens)
        .catch((error: unknown) => {
          this.logger.warn(
            { err: { message: (error as Error).message }, requestId: record.requestId },
            'tokens-per-minute counter not updated',
          );
        });
    this.ledger.enqueue({
      id: usageEventId(),
      occurredAt: isoTimestamp(now),
      day: period.day,
      subject,
      provider,
      model,
      promptTokens,
      completionTokens,
      costNanoUsd: toNanoUsd(costUsd),
      requestId: record.requestId,
    });
    return costUsd;
  }
}
