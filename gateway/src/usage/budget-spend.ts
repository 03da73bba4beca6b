import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { Logger } from 'pino';
import { LOGGER } from '../logging/logger';
import { USAGE_LEDGER } from '../persistence/persistence.module';
import type { UsageEvent } from '../persistence/records';
import type { UsageLedger } from '../persistence/repositories';
import { UsageLedgerWriter } from './usage-ledger-writer';

interface CommittedSpend {
  nanoUsd: number;
  readAt: number;
  usedAt: number;
  refreshing?: Promise<void>;
}

/** Period starts not asked about for this long are forgotten (yesterday's "daily", last month's). */
const UNUSED_FOR_MS = 15 * 60_000;

/**
 * What a subject has spent since a day, for budget checks: the ledger's committed sum (read once,
 * then kept current by this replica's own commits and re-read every SPEND_CACHE_TTL_MS in the
 * background to see other replicas' spend) plus the rows this replica has not written yet.
 * Only a subject's first check waits for the database.
 */
@Injectable()
export class BudgetSpend {
  /** subject → first day of the period → committed spend since that day */
  private readonly committed = new Map<string, Map<string, CommittedSpend>>();

  constructor(
    @Inject(USAGE_LEDGER) private readonly ledger: UsageLedger,
    @Inject(UsageLedgerWriter) private readonly writer: UsageLedgerWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    writer.onCommitted((events) => this.addCommitted(events));
  }

  /** Nano-USD spent by `subject` on days on or after `sinceDay`, in flight included. */
  async spentSince(subject: string, sinceDay: string, now = Date.now()): Promise<number> {
    let periods = this.committed.get(subject);
    if (!periods) this.committed.set(subject, (periods = new Map()));
    let spend = periods.get(sinceDay);
    if (!spend) {
      this.forgetUnused(periods, now);
      spend = { nanoUsd: 0, readAt: 0, usedAt: now };
      periods.set(sinceDay, spend);
      this.refresh(subject, sinceDay, spend).catch(() => periods.delete(sinceDay));
    } else if (
      spend.readAt > 0 &&
      now - spend.readAt >= this.config.persistence.spendCacheTtlMs &&
      !spend.refreshing
    ) {
      this.refresh(subject, sinceDay, spend).catch((error: unknown) =>
        this.logger.warn(
          { err: { message: (error as Error).message } },
          'budget spend not refreshed; using the last known sum',
        ),
      );
    }
    // Never read yet: every check of this period waits for the first read (and shares its failure).
    if (spend.readAt === 0) await (spend.refreshing ?? this.refresh(subject, sinceDay, spend));
    spend.usedAt = now;
    return spend.nanoUsd + this.writer.pendingNanoUsd(subject, sinceDay);
  }

  private refresh(subject: string, sinceDay: string, spend: CommittedSpend): Promise<void> {
    // Read and set inside the writer's exclusive section: no batch commits between the two.
    spend.refreshing = this.writer
      .runExclusive(async () => {
        spend.nanoUsd = await this.ledger.spentSince(subject, sinceDay);
        spend.readAt = Date.now();
      })
      .finally(() => (spend.refreshing = undefined));
    return spend.refreshing;
  }

  /** A batch this replica committed: add it to every sum it belongs to. */
  private addCommitted(events: readonly UsageEvent[]): void {
    for (const event of events) {
      const periods = this.committed.get(event.subject);
      if (!periods || event.costNanoUsd === 0) continue;
      for (const [sinceDay, spend] of periods)
        if (event.day >= sinceDay && spend.readAt > 0) spend.nanoUsd += event.costNanoUsd;
    }
  }

  private forgetUnused(periods: Map<string, CommittedSpend>, now: number): void {
    for (const [sinceDay, spend] of periods)
      if (now - spend.usedAt > UNUSED_FOR_MS && !spend.refreshing) periods.delete(sinceDay);
  }
}
