import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { isDatabaseUnavailable } from '../database-unavailable';
import type { UsageEvent } from '../records';
import { SqliteDatabase } from './sqlite-database';
import { UsageAppendThread } from './sqlite-usage-append-thread';

let directory: string;
let sequence = 0;
const opened: { close(): Promise<void> }[] = [];
const raws: BetterSqlite3.Database[] = [];

const path = () => join(directory, 'gateway.sqlite');

function event(overrides: Partial<UsageEvent> = {}): UsageEvent {
  sequence += 1;
  return {
    id: `event-${sequence}`,
    occurredAt: '2025-03-04T05:06:07.000Z',
    day: '2025-03-04',
    subject: 't1',
    provider: 'openai',
    model: 'gpt-4o-mini',
    promptTokens: 10,
    completionTokens: 5,
    costNanoUsd: 1000,
    requestId: `request-${sequence}`,
    ...overrides,
  };
}

function open(options?: { busyTimeoutMs?: number }): SqliteDatabase {
  const database = new SqliteDatabase(path(), options);
  opened.push(database);
  return database;
}

function thread(busyTimeoutMs: number): UsageAppendThread {
  const appender = new UsageAppendThread(path(), { busyTimeoutMs, cacheSizeKb: 2048 });
  opened.push(appender);
  return appender;
}

/** Another connection holding the file's write lock until `ROLLBACK`. */
function lockWrites(): BetterSqlite3.Database {
  const raw = new BetterSqlite3(path(), { timeout: 10 });
  raws.push(raw);
  raw.exec('BEGIN IMMEDIATE');
  return raw;
}

const workerOf = (appender: UsageAppendThread) =>
  (appender as unknown as { worker: Worker | undefined }).worker;
const threadOf = (database: SqliteDatabase) =>
  (database as unknown as { appendThread: UsageAppendThread }).appendThread;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'sqlite-usage-thread-'));
});

afterEach(async () => {
  for (const raw of raws.splice(0)) if (raw.open) raw.close();
  for (const each of opened.splice(0)) await each.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('SQLite usage appends on a worker thread', () => {
  it('writes every field of every event as given (rows cross to the thread as JSON arrays)', async () => {
    const database = open();
    const events = [
      event({ subject: 'tenant "quoted"', model: 'modèle/ü', requestId: 'request\u0000nul' }),
      event({ promptTokens: 0, completionTokens: 123_456, costNanoUsd: 9_007_199_254 }),
    ];
    await database.usage.append(events);
    const raw = new BetterSqlite3(path(), { readonly: true });
    raws.push(raw);
    const stored = raw.prepare(
      `SELECT id, occurred_at AS occurredAt, day, subject, provider, model,
           prompt_tokens AS promptTokens, completion_tokens AS completionTokens,
           cost_nano_usd AS costNanoUsd, request_id AS requestId
         FROM usage_events WHERE id = ?`,
    );
    expect(events.map((each) => stored.get(each.id))).toEqual(events);
  });

  it('commits off the calling thread, visible to the main connection once append resolves', async () => {
    const database = open();
    const first = event();
    const appended = database.usage.append([first, event({ costNanoUsd: 2500 })]);
    // An in-process append would have committed before returning.
    expect(await database.usage.spentSince('t1')).toBe(0);
    await appended;
    expect(await database.usage.spentSince('t1')).toBe(3500);
    const summary = await database.usage.summarize({ fromDay: '2025-03-04', toDay: '2025-03-04' });
    expect(summary.totals).toEqual({
      requests: 2,
      promptTokens: 20,
      completionTokens: 10,
      costNanoUsd: 3500,
    });
    expect(workerOf(threadOf(database))).toBeDefined();
  });

  // Linux with util-linux's chrt (as on CI and in the Docker image): see scheduleThreadAsBatch.
  (process.platform === 'linux' ? it : it.skip)(
    'runs the thread under SCHED_BATCH, leaving the event loop under the default policy',
    async () => {
      const SCHED_OTHER = 0;
      const SCHED_BATCH = 3;
      /** Field 41 of /proc/PID/task/TID/stat (the fields after the parenthesised name start at 3). */
      const policyOf = (thread: number) => {
        const stat = readFileSync(`/proc/self/task/${thread}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[41 - 3]);
      };
      const threads = () => readdirSync('/proc/self/task').map(Number);
      const before = new Set(threads());
      const database = open();
      await database.usage.append([event()]);
      const started = threads().filter((thread) => !before.has(thread));
      expect(started.map(policyOf)).toContain(SCHED_BATCH);
      expect(policyOf(process.pid)).toBe(SCHED_OTHER);
    },
  );

  it('skips ids already stored, adding only new events to the daily sums', async () => {
    const database = open();
    const [a, b, c] = [event(), event(), event({ model: 'gpt-4o' })];
    await database.usage.append([a, b]);
    await database.usage.append([b, c, a]);
    const summary = await database.usage.summarize({ fromDay: '2025-03-04', toDay: '2025-03-04' });
    expect(summary.totals.requests).toBe(3);
    expect(summary.costNanoUsdByModel).toEqual({ 'gpt-4o-mini': 2000, 'gpt-4o': 1000 });
    expect(await database.usage.spentSince('t1', '2025-03-04')).toBe(3000);
  });

  it('takes concurrent appends, overlapping ones included, each exactly once', async () => {
    const database = open();
    const batches = Array.from({ length: 20 }, (_, index) =>
      Array.from({ length: 50 }, () => event({ subject: `t${index % 3}` })),
    );
    const shared = batches[0].slice(0, 10);
    await Promise.all([
      ...batches.map((batch) => database.usage.append(batch)),
      database.usage.append(shared),
      database.usage.append(shared),
    ]);
    const summary = await database.usage.summarize({ fromDay: '2025-03-04', toDay: '2025-03-04' });
    expect(summary.totals.requests).toBe(1000);
    expect(summary.totals.costNanoUsd).toBe(1_000_000);
    expect(await database.usage.spentSince('t0')).toBe(7 * 50 * 1000);
  });

  it('close waits for the appends in flight, then refuses more', async () => {
    const database = open();
    let appended = false;
    const pending = database.usage.append([event(), event()]).then(() => (appended = true));
    await database.close();
    expect(appended).toBe(true);
    await pending;
    expect(workerOf(threadOf(database))).toBeUndefined();
    await expect(database.usage.append([event()])).rejects.toThrow(/closed/);

    const reopened = open();
    expect(await reopened.usage.spentSince('t1')).toBe(2000);
  });

  it('rejects with the SQLite code when the file stays locked, and works once it is free', async () => {
    const database = open();
    const appender = thread(50);
    await appender.append([event()]);
    const raw = lockWrites();

    const busy = await appender.append([event()]).catch((error: unknown) => error);
    expect(busy).toMatchObject({ code: 'SQLITE_BUSY', message: expect.stringMatching(/locked/) });
    expect(isDatabaseUnavailable(busy)).toBe(true);

    raw.exec('ROLLBACK');
    await appender.append([event()]);
    expect(await database.usage.spentSince('t1')).toBe(2000);
  });

  it('reports a locked file as unavailable through the database (a 503, rows kept)', async () => {
    const database = open({ busyTimeoutMs: 50 });
    await database.usage.append([event()]);
    const raw = lockWrites();
    const error = await database.usage.append([event()]).catch((caught: unknown) => caught);
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(error).toMatchObject({ status: 503, code: 'database_unavailable' });
    raw.exec('ROLLBACK');
  });

  it('rejects what was pending when the thread dies, and starts a new one for the next append', async () => {
    const database = open();
    const appender = thread(1000);
    // A thread that dies as it starts (its driver cannot load) with an append waiting. (Not
    // `terminate()` mid-append: better-sqlite3 aborts the process when a statement it is running
    // throws in a terminating thread.)
    const internals = appender as unknown as { driver: string };
    const driver = internals.driver;
    internals.driver = join(directory, 'no-such-driver.js');
    const lost = event();
    const error = await appender.append([lost]).catch((caught: unknown) => caught);
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(error).toMatchObject({
      reason: expect.stringMatching(/thread stopped.*no-such-driver/),
    });
    expect(workerOf(appender)).toBeUndefined();
    internals.driver = driver;

    await appender.append([lost, event()]);
    const first = workerOf(appender)!;
    expect(first).toBeDefined();
    await first.terminate(); // idle: safe
    expect(workerOf(appender)).toBeUndefined();
    await appender.append([event()]);
    const second = workerOf(appender)!;
    expect(second.threadId).not.toBe(first.threadId);
    expect(await database.usage.spentSince('t1')).toBe(3000);
  });

  it('keeps :memory: appends in-process (a second connection cannot share it)', async () => {
    const database = new SqliteDatabase(':memory:');
    opened.push(database);
    const appended = database.usage.append([event()]);
    expect(await database.usage.spentSince('t1')).toBe(1000);
    await appended;
    expect(threadOf(database)).toBeUndefined();
  });
});
