import pino from 'pino';
import { GatewayMetrics } from '../observability/gateway-metrics';
import { MetricLabels } from '../observability/metric-labels';
import type { UsageEvent } from '../persistence/records';
import type { UsageLedger } from '../persistence/repositories';
import { SqliteDatabase } from '../persistence/sqlite/sqlite-database';
import { BudgetSpend } from './budget-spend';
import { UsageLedgerWriter } from './usage-ledger-writer';
import { loadGatewayConfig } from '../gateway-config';

let counter = 0;
const event = (extra: Partial<UsageEvent> = {}): UsageEvent => ({
  id: `spend-${(counter += 1)}`,
  occurredAt: '2025-01-31T10:00:00.000Z',
  day: '2025-01-31',
  subject: 't1',
  provider: 'openai',
  model: 'gpt-4o-mini',
  promptTokens: 1,
  completionTokens: 1,
  costNanoUsd: 100,
  requestId: 'req',
  ...extra,
});

describe('BudgetSpend', () => {
  let database: SqliteDatabase;
  let reads: number;
  let writer: UsageLedgerWriter;
  let spend: BudgetSpend;

  beforeEach(() => {
    database = new SqliteDatabase(':memory:');
    reads = 0;
    const ledger: UsageLedger = Object.assign(Object.create(database.usage) as UsageLedger, {
      spentSince: (subject: string, sinceDay?: string) => {
        reads += 1;
        return database.usage.spentSince(subject, sinceDay);
      },
    });
    const config = loadGatewayConfig({
      USAGE_FLUSH_INTERVAL_MS: '600000',
      SPEND_CACHE_TTL_MS: '60000',
    });
    const logger = pino({ level: 'silent' });
    writer = new UsageLedgerWriter(
      ledger,
      config,
      new GatewayMetrics(new MetricLabels(config, [])),
      logger,
    );
    spend = new BudgetSpend(ledger, writer, config, logger);
  });
  afterEach(() => database.close());

  it('adds the ledger’s sum for the period to this replica’s unwritten rows', async () => {
    await database.usage.append([
      event({ day: '2025-01-30', costNanoUsd: 1000 }),
      event({ day: '2025-01-31', costNanoUsd: 300 }),
      event({ subject: 't2', costNanoUsd: 5 }),
    ]);
    writer.enqueue(event({ costNanoUsd: 40 }));
    expect(await spend.spentSince('t1', '2025-01-31')).toBe(340);
    expect(await spend.spentSince('t1', '2025-01-01')).toBe(1340);
    expect(await spend.spentSince('t1', '2025-02-01')).toBe(0);
  });

  it('reads the ledger once per period and then follows its own commits, counting each row once', async () => {
    expect(await spend.spentSince('t1', '2025-01-01')).toBe(0);
    writer.enqueue(event());
    writer.enqueue(event());
    expect(await spend.spentSince('t1', '2025-01-01')).toBe(200);
    await writer.flush();
    expect(await spend.spentSince('t1', '2025-01-01')).toBe(200);
    writer.enqueue(event());
    await writer.flush();
    expect(await spend.spentSince('t1', '2025-01-01')).toBe(300);
    expect(reads).toBe(1);
    expect(await database.usage.spentSince('t1', '2025-01-01')).toBe(300);
  });
});
