import type { Pool } from 'pg';
import {
  ALL_DAYS,
  integerOf,
  sumsByName,
  usageRowFromRow,
  type UsageDailyRow,
} from '../record-rows';
import type { UsageEvent, UsageQuery, UsageSummary } from '../records';
import type { UsageLedger } from '../repositories';
import { inTransaction } from './postgres-transaction';

/**
 * One statement per batch, whatever its size: the events arrive as arrays (unnest), the new
 * ones are inserted, and their sums are added to `usage_daily` in the same statement. Daily rows
 * are upserted in key order, so two replicas flushing at once never deadlock on them.
 */
const APPEND = `
WITH incoming AS (
  SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::date[], $4::text[], $5::text[],
                       $6::text[], $7::bigint[], $8::bigint[], $9::bigint[], $10::text[])
    AS event (id, occurred_at, day, subject, provider, model, prompt_tokens, completion_tokens,
              cost_nano_usd, request_id)
), inserted AS (
  INSERT INTO usage_events (id, occurred_at, day, subject, provider, model, prompt_tokens,
                            completion_tokens, cost_nano_usd, request_id)
  SELECT * FROM incoming
  ON CONFLICT (id) DO NOTHING
  RETURNING day, subject, model, prompt_tokens, completion_tokens, cost_nano_usd
)
INSERT INTO usage_daily AS daily (day, subject, model, requests, prompt_tokens,
                                  completion_tokens, cost_nano_usd)
SELECT day, subject, model, count(*), sum(prompt_tokens), sum(completion_tokens), sum(cost_nano_usd)
FROM inserted
GROUP BY day, subject, model
ORDER BY day, subject, model
ON CONFLICT (day, subject, model) DO UPDATE SET
  requests = daily.requests + excluded.requests,
  prompt_tokens = daily.prompt_tokens + excluded.prompt_tokens,
  completion_tokens = daily.completion_tokens + excluded.completion_tokens,
  cost_nano_usd = daily.cost_nano_usd + excluded.cost_nano_usd`;

export class PostgresUsageLedger implements UsageLedger {
  constructor(private readonly pool: Pool) {}

  async append(events: readonly UsageEvent[]): Promise<void> {
    if (events.length === 0) return;
    const column = <K extends keyof UsageEvent>(name: K) => events.map((event) => event[name]);
    await this.pool.query(APPEND, [
      column('id'),
      column('occurredAt'),
      column('day'),
      column('subject'),
      column('provider'),
      column('model'),
      column('promptTokens'),
      column('completionTokens'),
      column('costNanoUsd'),
      column('requestId'),
    ]);
  }

  async spentSince(subject: string, sinceDay = ALL_DAYS): Promise<number> {
    const { rows } = await this.pool.query<{ spent: string }>(
      `SELECT COALESCE(SUM(cost_nano_usd), 0) AS spent
       FROM usage_daily WHERE subject = $1 AND day >= $2::date`,
      [subject, sinceDay],
    );
    return integerOf(rows[0].spent);
  }

  /** The four aggregates from one snapshot, so rows and totals always agree. */
  async summarize(query: UsageQuery): Promise<UsageSummary> {
    const values: unknown[] = [query.fromDay, query.toDay];
    if (query.subject) values.push(query.subject);
    const where = `WHERE day >= $1::date AND day <= $2::date${query.subject ? ' AND subject = $3' : ''}`;
    return inTransaction(
      this.pool,
      async (client) => {
        const rows = await client.query<UsageDailyRow>(
          `SELECT to_char(day, 'YYYY-MM-DD') AS day, subject, model, requests, prompt_tokens,
             completion_tokens, cost_nano_usd
           FROM usage_daily ${where} ORDER BY day, subject, model`,
          values,
        );
        const totals = await client.query<Omit<UsageDailyRow, 'day' | 'subject' | 'model'>>(
          `SELECT COALESCE(SUM(requests), 0) AS requests,
             COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,
             COALESCE(SUM(completion_tokens), 0) AS completion_tokens,
             COALESCE(SUM(cost_nano_usd), 0) AS cost_nano_usd
           FROM usage_daily ${where}`,
          values,
        );
        const bySubject = await client.query<{ name: string; cost: string }>(
          `SELECT subject AS name, SUM(cost_nano_usd) AS cost FROM usage_daily ${where} GROUP BY subject`,
          values,
        );
        const byModel = await client.query<{ name: string; cost: string }>(
          `SELECT model AS name, SUM(cost_nano_usd) AS cost FROM usage_daily ${where} GROUP BY model`,
          values,
        );
        const total = totals.rows[0];
        return {
          rows: rows.rows.map(usageRowFromRow),
          totals: {
            requests: integerOf(total.requests),
            promptTokens: integerOf(total.prompt_tokens),
            completionTokens: integerOf(total.completion_tokens),
            costNanoUsd: integerOf(total.cost_nano_usd),
          },
          costNanoUsdBySubject: sumsByName(bySubject.rows),
          costNanoUsdByModel: sumsByName(byModel.rows),
        };
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }
}
