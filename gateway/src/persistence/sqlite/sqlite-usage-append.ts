import type BetterSqlite3 from 'better-sqlite3';
import type { UsageEvent } from '../records';

/**
 * A usage event as the ledger's insert binds it: its fields in the order of the `usage_events`
 * columns, no names. The one place that order is written: rows cross to the append thread like
 * this (JSON text of value arrays: events as objects cost V8's structured clone a key per field
 * to write and to read again, ~14,000 instructions per row for both in callgrind) and are bound
 * as they come.
 */
export type UsageEventRow = [
  id: string,
  occurredAt: string,
  day: string,
  subject: string,
  provider: string,
  model: string,
  promptTokens: number,
  completionTokens: number,
  costNanoUsd: number,
  requestId: string,
];

export function usageEventRow(event: UsageEvent): UsageEventRow {
  return [
    event.id,
    event.occurredAt,
    event.day,
    event.subject,
    event.provider,
    event.model,
    event.promptTokens,
    event.completionTokens,
    event.costNanoUsd,
    event.requestId,
  ];
}

/** Appends a batch in one transaction (throws the driver's `SqliteError`, `code` included). */
export type UsageAppender = (rows: readonly UsageEventRow[]) => void;

/**
 * The one copy of the ledger's write SQL: returns a function that appends a batch of rows
 * (`usageEventRow`) in one transaction — the events whose id is new, and their sums added to
 * `usage_daily`.
 *
 * SELF-CONTAINED ON PURPOSE: `sqlite-usage-append-thread.ts` ships this function's source text
 * (`Function.prototype.toString`) to a worker thread, so it may use only its parameter and
 * globals — no imports, no module-level names, no TypeScript that emits helpers. Types are fine
 * (erased). `istanbul ignore` keeps a `--coverage` run from inserting counters that would name
 * module-level variables the worker does not have.
 */
/* istanbul ignore next */
export function createUsageAppender(connection: BetterSqlite3.Database): UsageAppender {
  const insertEvent = connection.prepare(`INSERT INTO usage_events (id, occurred_at, day, subject,
      provider, model, prompt_tokens, completion_tokens, cost_nano_usd, request_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO NOTHING`);
  const addToDaily = connection.prepare(`INSERT INTO usage_daily (day, subject, model, requests,
      prompt_tokens, completion_tokens, cost_nano_usd)
    VALUES (@day, @subject, @model, @requests, @prompt_tokens, @completion_tokens, @cost_nano_usd)
    ON CONFLICT (day, subject, model) DO UPDATE SET
      requests = requests + excluded.requests,
      prompt_tokens = prompt_tokens + excluded.prompt_tokens,
      completion_tokens = completion_tokens + excluded.completion_tokens,
      cost_nano_usd = cost_nano_usd + excluded.cost_nano_usd`);
  interface DailySum {
    day: string;
    subject: string;
    model: string;
    requests: number;
    prompt_tokens: number;
    completion_tokens: number;
    cost_nano_usd: number;
  }
  const appendInTransaction = connection.transaction((rows: readonly UsageEventRow[]) => {
    const sums = new Map<string, DailySum>();
    for (const row of rows) {
      // Positional, not named (`@id`…): the driver looks each name up on an object, which made
      // binding a row ~2× slower, on the thread that shares the gateway's core.
      if (insertEvent.run(row).changes === 0) continue;
      const [, , day, subject, , model, promptTokens, completionTokens, costNanoUsd] = row;
      const key = `${day}\u0000${subject}\u0000${model}`;
      let sum = sums.get(key);
      if (!sum) {
        sum = {
          day,
          subject,
          model,
          requests: 0,
          prompt_tokens: 0,
          completion_tokens: 0,
          cost_nano_usd: 0,
        };
        sums.set(key, sum);
      }
      sum.requests += 1;
      sum.prompt_tokens += promptTokens;
      sum.completion_tokens += completionTokens;
      sum.cost_nano_usd += costNanoUsd;
    }
    for (const sum of sums.values()) addToDaily.run(sum);
  });
  return (rows) => {
    if (rows.length > 0) appendInTransaction(rows);
  };
}
