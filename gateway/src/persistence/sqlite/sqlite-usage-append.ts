import type BetterSqlite3 from 'better-sqlite3';
import type { UsageEvent } from '../records';

/** Appends a batch in one transaction (throws the driver's `SqliteError`, `code` included). */
export type UsageAppender = (events: readonly UsageEvent[]) => void;

/** A usage event as the append thread receives it: its fields in a fixed order, no names. */
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

/**
 * A batch as the JSON text the append thread parses back with `usageEventsFromRows`. Events as
 * objects cost V8's structured clone a key per field to write and to read again (callgrind:
 * ~14,000 instructions per row for both); rows of values as JSON text cost a fraction of it.
 */
export function usageEventRowsJson(events: readonly UsageEvent[]): string {
  const rows: UsageEventRow[] = [];
  for (const event of events)
    rows.push([
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
    ]);
  return JSON.stringify(rows);
}

/** The inverse of `usageEventRowsJson`. SELF-CONTAINED, like `createUsageAppender` (below). */
/* istanbul ignore next */
export function usageEventsFromRows(json: string): UsageEvent[] {
  const rows = JSON.parse(json) as UsageEventRow[];
  return rows.map((row) => ({
    id: row[0],
    occurredAt: row[1],
    day: row[2],
    subject: row[3],
    provider: row[4],
    model: row[5],
    promptTokens: row[6],
    completionTokens: row[7],
    costNanoUsd: row[8],
    requestId: row[9],
  }));
}

/**
 * The one copy of the ledger's write SQL: returns a function that appends a batch in one
 * transaction — the events whose id is new, and their sums added to `usage_daily`.
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
  const appendInTransaction = connection.transaction((events: readonly UsageEvent[]) => {
    const sums = new Map<string, DailySum>();
    for (const event of events) {
      // Positional, not named (`@id`…): the driver looks each name up on the object, which made
      // binding a row ~2× slower, on the thread that shares the gateway's core.
      const inserted = insertEvent.run(
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
      );
      if (inserted.changes === 0) continue;
      const key = `${event.day}\u0000${event.subject}\u0000${event.model}`;
      let sum = sums.get(key);
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
        sums.set(key, sum);
      }
      sum.requests += 1;
      sum.prompt_tokens += event.promptTokens;
      sum.completion_tokens += event.completionTokens;
      sum.cost_nano_usd += event.costNanoUsd;
    }
    for (const sum of sums.values()) addToDaily.run(sum);
  });
  return (events) => {
    if (events.length > 0) appendInTransaction(events);
  };
}
