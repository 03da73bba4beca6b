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

interface DailySum {
  day: string;
  subject: string;
  model: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_nano_usd: number;
}

export class SqliteUsageLedger implements UsageLedger {
  private readonly insertEvent: BetterSqlite3.Statement;
  private readonly addToDaily: BetterSqlite3.Statement;
  private readonly spent: BetterSqlite3.Statement;

  constructor(private readonly connection: BetterSqlite3.Database) {
    this.insertEvent = connection.prepare(`INSERT INTO usage_events (id, occurred_at, day, subject,
        provider, model, prompt_tokens, completion_tokens, cost_nano_usd, request_id)
      VALUES (@id, @occurredAt, @day, @subject, @provider, @model, @promptTokens,
        @completionTokens, @costNanoUsd, @requestId)
      ON CONFLICT (id) DO NOTHING`);
    this.addToDaily = connection.prepare(`INSERT INTO usage_daily (day, subject, model, requests,
        prompt_tokens, completion_tokens, cost_nano_usd)
      VALUES (@day, @subject, @model, @requests, @prompt_tokens, @completion_tokens, @cost_nano_usd)
      ON CONFLICT (day, subject, model) DO UPDATE SET
        requests = requests + excluded.requests,
        prompt_tokens = prompt_tokens + excluded.prompt_tokens,
        completion_tokens = completion_tokens + excluded.completion_tokens,
        cost_nano_usd = cost_nano_usd + excluded.cost_nano_usd`);
    this.spent = connection
      .prepare(
        'SELECT COALESCE(SUM(cost_nano_usd), 0) FROM usage_daily WHERE subject = ? AND day >= ?',
      )
      .pluck();
  }

  /** One transaction: the events that are new, and their sums added to `usage_daily`. */
  async append(events: readonly UsageEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.connection.transaction(() => {
      const sums = new Map<string, DailySum>();
      for (const event of events) {
        if (this.insertEvent.run(event).changes === 0) continue;
        const id = `${event.day}\u0000${event.subject}\u0000${event.model}`;
        let sum = sums.get(id);
        if (!sum) {
          sum = {
            day: event.day,
            subject: event.subject,
            model: event.model,
            requests: 0,
            prompt_tokens: 0,
            completion_tokens: 0,
            cost_nano_usd: 0,
          };
          sums.set(id, sum);
        }
        sum.requests += 1;
        sum.prompt_tokens += event.promptTokens;
        sum.completion_tokens += event.completionTokens;
        sum.cost_nano_usd += event.costNanoUsd;
      }
      for (const sum of sums.values()) this.addToDaily.run(sum);
    })();
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
