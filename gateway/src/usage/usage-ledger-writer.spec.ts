import pino from 'pino';
import { MetricLabels } from '../observability/metric-labels';
import { GatewayMetrics } from '../observability/gateway-metrics';
import { DatabaseUnavailableError } from '../persistence/database-unavailable';
import type { UsageEvent } from '../persistence/records';
import type { UsageLedger } from '../persistence/repositories';
import { SqliteDatabase } from '../persistence/sqlite/sqlite-database';
import { UsageLedgerWriter } from './usage-ledger-writer';
import { loadGatewayConfig } from '../gateway-config';

/** The real SQLite ledger, with a switch that makes it behave like an unreachable database. */
class SwitchableLedger implements UsageLedger {
  down = false;
  appends = 0;
  /** How long each append takes (a commit's fsync): rows arriving meanwhile wait. */
  commitMs = 0;
  constructor(readonly inner: UsageLedger) {}
  async append(events: readonly UsageEvent[]) {
    if (this.down) throw new DatabaseUnavailableError('connect ECONNREFUSED');
    this.appends += 1;
    if (this.commitMs > 0) await sleep(this.commitMs);
    return this.inner.append(events);
  }
  spentSince(subject: string, sinceDay?: string) {
    return this.inner.spentSince(subject, sinceDay);
  }
  summarize(query: Parameters<UsageLedger['summarize']>[0]) {
    return this.inner.summarize(query);
  }
}

let counter = 0;
const event = (extra: Partial<UsageEvent> = {}): UsageEvent => ({
  id: `event-${(counter += 1)}`,
  occurredAt: '2025-01-31T10:00:00.000Z',
  day: '2025-01-31',
  subject: 't1',
  provider: 'openai',
  model: 'gpt-4o-mini',
  promptTokens: 10,
  completionTokens: 5,
  costNanoUsd: 100,
  requestId: 'req',
  ...extra,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('UsageLedgerWriter', () => {
  let database: SqliteDatabase;
  let ledger: SwitchableLedger;
  let metrics: GatewayMetrics;
  const writers: UsageLedgerWriter[] = [];

  const writerWith = (env: Record<string, string>) => {
    const config = loadGatewayConfig(env);
    metrics = new GatewayMetrics(new MetricLabels(config, []));
    const writer = new UsageLedgerWriter(ledger, config, metrics, pino({ level: 'silent' }));
    writer.onModuleInit();
    writers.push(writer);
    return writer;
  };
  const requestsInLedger = async () =>
    (await database.usage.summarize({ fromDay: '2025-01-01', toDay: '2025-12-31' })).totals
      .requests;

  beforeEach(() => {
    database = new SqliteDatabase(':memory:');
    ledger = new SwitchableLedger(database.usage);
  });
  afterEach(async () => {
    ledger.down = false;
    await Promise.all(writers.splice(0).map((writer) => writer.onApplicationShutdown()));
    await database.close();
  });

  it('writes a batch once USAGE_BATCH_SIZE rows wait, and the rest within USAGE_FLUSH_INTERVAL_MS', async () => {
    const writer = writerWith({ USAGE_BATCH_SIZE: '3', USAGE_FLUSH_INTERVAL_MS: '50' });
    writer.enqueue(event());
    writer.enqueue(event());
    expect(ledger.appends).toBe(0);
    writer.enqueue(event());
    await sleep(10);
    expect(ledger.appends).toBe(1);
    expect(await requestsInLedger()).toBe(3);
    writer.enqueue(event());
    expect(writer.backlog()).toBe(1);
    await sleep(200);
    expect(ledger.appends).toBe(2);
    expect(await requestsInLedger()).toBe(4);
    expect(writer.backlog()).toBe(0);
  });

  it('under load writes full batches only: rows that arrive during a commit wait for a full batch or the interval', async () => {
    const writer = writerWith({ USAGE_BATCH_SIZE: '3', USAGE_FLUSH_INTERVAL_MS: '600000' });
    ledger.commitMs = 50;
    for (let index = 0; index < 3; index += 1) writer.enqueue(event());
    await sleep(10); // the first batch is being committed
    writer.enqueue(event());
    writer.enqueue(event());
    await sleep(150);
    // Not a second, partial transaction as soon as the first returned.
    expect(ledger.appends).toBe(1);
    expect(writer.backlog()).toBe(2);
    writer.enqueue(event());
    await sleep(150);
    expect(ledger.appends).toBe(2);
    expect(writer.backlog()).toBe(0);
    // flush() (shutdown, a usage report) writes a partial batch at once.
    writer.enqueue(event());
    await writer.flush();
    expect(ledger.appends).toBe(3);
    expect(await requestsInLedger()).toBe(7);
  });

  it('keeps rows while the database is unreachable, counts their cost as in flight, and writes them once when it returns', async () => {
    const writer = writerWith({ USAGE_FLUSH_INTERVAL_MS: '600000' });
    ledger.down = true;
    for (let index = 0; index < 5; index += 1) writer.enqueue(event());
    writer.enqueue(event({ subject: 't2', day: '2025-02-01', costNanoUsd: 7 }));
    await expect(writer.flush()).rejects.toMatchObject({ code: 'database_unavailable' });
    expect(writer.backlog()).toBe(6);
    expect(writer.pendingNanoUsd('t1', '2025-01-01')).toBe(500);
    expect(writer.pendingNanoUsd('t1', '2025-02-01')).toBe(0);
    expect(writer.pendingNanoUsd('t2', '2025-02-01')).toBe(7);

    ledger.down = false;
    await writer.flush();
    expect(await requestsInLedger()).toBe(6);
    expect(writer.backlog()).toBe(0);
    expect(writer.pendingNanoUsd('t1', '2025-01-01')).toBe(0);
    await writer.flush();
    expect(await requestsInLedger()).toBe(6);
  });

  it('drops the oldest rows beyond USAGE_BUFFER_MAX_ROWS and counts them in ai_usage_rows_dropped_total', async () => {
    const writer = writerWith({ USAGE_BUFFER_MAX_ROWS: '3', USAGE_FLUSH_INTERVAL_MS: '600000' });
    ledger.down = true;
    for (let index = 0; index < 5; index += 1) writer.enqueue(event({ costNanoUsd: index + 1 }));
    expect(writer.backlog()).toBe(3);
    expect(writer.pendingNanoUsd('t1', '2025-01-01')).toBe(3 + 4 + 5);
    const text = await metrics.registry.metrics();
    expect(text).toContain('ai_usage_rows_dropped_total 2');
    expect(text).toContain('ai_usage_rows_pending 3');
    ledger.down = false;
    await writer.flush();
    expect(await database.usage.spentSince('t1')).toBe(3 + 4 + 5);
  });

  it('writes what is left on shutdown', async () => {
    const writer = writerWith({ USAGE_FLUSH_INTERVAL_MS: '600000' });
    writer.enqueue(event());
    writer.enqueue(event());
    await writer.onApplicationShutdown();
    expect(await requestsInLedger()).toBe(2);
  });

  it('keeps retrying at shutdown while the database is briefly away', async () => {
    const writer = writerWith({ USAGE_FLUSH_INTERVAL_MS: '600000' });
    ledger.down = true;
    writer.enqueue(event());
    const stopping = writer.onApplicationShutdown();
    await sleep(300);
    ledger.down = false;
    await stopping;
    expect(await requestsInLedger()).toBe(1);
  });
});
