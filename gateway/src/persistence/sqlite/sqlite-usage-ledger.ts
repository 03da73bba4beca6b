import type BetterSqlite3 from 'better-sqlite3';
import {
  ALL_DAYS,
  integerOf,
  sumsByName,
  usageRowFromRow,
  type UsageDailyRow,
} from '../record-rows';
import type { UsageEvent, UsageQuery, UsageSummary } from '../records';
import type { UsageLedger } from '../repositories';
import { createUsageAppender, usageEventRow, type UsageAppender } from './sqlite-usage-append';
import type { UsageAppendThread } from './sqlite-usage-append-thread';

export class SqliteUsageLedger implements UsageLedger {
  /** In-process appends, for a database no second connection can open (`:memory:`). */
  private readonly appendHere: UsageAppender | undefined;
  private readonly spent: BetterSqlite3.Statement;

  /**
   * With `appendThread`, batches are written by that thread's own connection (the fsync off the
   * event loop) and this connection only reads; without it, they are written here.
   */
  constructor(
    private readonly connection: BetterSqlite3.Database,
    private readonly appendThread?: UsageAppendThread,
  ) {
    if (!appendThread) this.appendHere = createUsageAppender(connection);
    this.spent = connection
      .prepare(
        'SELECT COALESCE(SUM(cost_nano_usd), 0) FROM usage_daily WHERE subject = ? AND day >= ?',
      )
      .pluck();
  }

  /** One transaction: the events that are new, and their sums added to `usage_daily`. */
  async append(events: readonly UsageEvent[]): Promise<void> {
    if (this.appendThread) return this.appendThread.append(events);
    this.appendHere?.(events.map(usageEventRow));
  }

  async spentSince(subject: string, sinceDay = ALL_DAYS): Promise<number> {
    return integerOf(this.spent.get(subject, sinceDay) as number);
  }

  async summarize(query: UsageQuery): Promise<UsageSummary> {
    const where = `WHERE day >= @fromDay AND day <= @toDay${query.subject ? ' AND subject = @subject' : ''}`;
    const bind = query.subject
      ? { fromDay: query.fromDay, toDay: query.toDay, subject: query.subject }
      : { fromDay: query.fromDay, toDay: query.toDay };
    return this.connection.transaction(() => {
      const rows = this.connection
        .prepare(
          `SELECT day, subject, model, requests, prompt_tokens, completion_tokens, cost_nano_usd
           FROM usage_daily ${where} ORDER BY day, subject, model`,
        )
        .all(bind) as UsageDailyRow[];
      const totals = this.connection
        .prepare(
          `SELECT COALESCE(SUM(requests), 0) AS requests,
             COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,
             COALESCE(SUM(completion_tokens), 0) AS completion_tokens,
             COALESCE(SUM(cost_nano_usd), 0) AS cost_nano_usd
           FROM usage_daily ${where}`,
        )
        .get(bind) as Omit<UsageDailyRow, 'day' | 'subject' | 'model'>;
      const bySubject = this.connection
        .prepare(
          `SELECT subject AS name, SUM(cost_nano_usd) AS cost FROM usage_daily ${where} GROUP BY subject`,
        )
        .all(bind) as { name: string; cost: number }[];
      const byModel = this.connection
        .prepare(
          `SELECT model AS name, SUM(cost_nano_usd) AS cost FROM usage_daily ${where} GROUP BY model`,
        )
        .all(bind) as { name: string; cost: number }[];
      return {
        rows: rows.map(usageRowFromRow),
        totals: {
          requests: integerOf(totals.requests),
          promptTokens: integerOf(totals.prompt_tokens),
          completionTokens: integerOf(totals.completion_tokens),
          costNanoUsd: integerOf(totals.cost_nano_usd),
        },
        costNanoUsdBySubject: sumsByName(bySubject),
        costNanoUsdByModel: sumsByName(byModel),
      };
    })();
  }
}
