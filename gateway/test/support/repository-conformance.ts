import type { ApiKeyRecord, TenantRecord, UsageEvent } from '../../src/persistence/records';
import type { Database } from '../../src/persistence/repositories';

/**
 * One behaviour suite both systems of record must pass (SQLite and PostgreSQL), so the gateway
 * never depends on which one DATABASE_URL chose. `open()` opens (and migrates) the same store each
 * time it is called within a test; `cleanup()` removes it after the test.
 */
export interface RepositoryFactories {
  open(): Promise<Database>;
  cleanup(): Promise<void>;
}

const tenant = (id: string, extra: Partial<TenantRecord> = {}): TenantRecord => ({
  id,
  name: `tenant ${id}`,
  budgetPeriod: 'monthly',
  disabled: false,
  createdAt: '2025-01-01T00:00:00.000Z',
  ...extra,
});

const key = (id: string, tenantId: string, extra: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id,
  tenantId,
  hash: `hash-${id}`,
  preview: 'gw-sk-abcd…',
  createdAt: '2025-01-02T00:00:00.000Z',
  ...extra,
});

let eventCounter = 0;
const event = (extra: Partial<UsageEvent> = {}): UsageEvent => ({
  id: `event-${(eventCounter += 1)}`,
  occurredAt: '2025-01-31T10:00:00.000Z',
  day: '2025-01-31',
  subject: 't1',
  provider: 'openai',
  model: 'gpt-4o-mini',
  promptTokens: 10,
  completionTokens: 5,
  costNanoUsd: 1500,
  requestId: 'req-1',
  ...extra,
});

export function describeRepositoryConformance(name: string, factories: RepositoryFactories): void {
  describe(`${name} repositories (conformance)`, () => {
    const opened: Database[] = [];
    const open = async () => {
      const database = await factories.open();
      opened.push(database);
      return database;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((database) => database.close()));
      await factories.cleanup();
    });

    it('stores a tenant with its first key in one call and reads it back field for field', async () => {
      const { tenants, apiKeys } = await open();
      expect(await tenants.hasAny()).toBe(false);
      const full = tenant('t1', {
        rateLimitRpm: 60,
        tokensPerMinute: 50_000,
        budgetUsd: 25.5,
        budgetPeriod: 'daily',
        allowedModels: ['default', 'gpt-4o-mini'],
        disabled: true,
      });
      await tenants.create(full, key('k1', 't1'));
      expect(await tenants.hasAny()).toBe(true);
      expect(await tenants.get('t1')).toEqual(full);
      expect(await tenants.get('nope')).toBeUndefined();
      expect(await apiKeys.listByTenant('t1')).toEqual([key('k1', 't1')]);
    });

    it('lists tenants oldest first, updates every field (absent fields cleared) and says when none matched', async () => {
      const { tenants } = await open();
      await tenants.create(
        tenant('t2', { createdAt: '2025-01-02T00:00:00.000Z' }),
        key('k2', 't2'),
      );
      await tenants.create(tenant('t1', { budgetUsd: 5, allowedModels: ['a'] }), key('k1', 't1'));
      expect((await tenants.list()).map((t) => t.id)).toEqual(['t1', 't2']);
      const renamed = tenant('t1', { name: 'renamed', disabled: true, budgetPeriod: 'total' });
      expect(await tenants.update(renamed)).toBe(true);
      expect(await tenants.get('t1')).toEqual(renamed);
      expect(await tenants.update(tenant('missing'))).toBe(false);
      expect(await tenants.get('missing')).toBeUndefined();
    });

    it('deletes a tenant with its keys, once', async () => {
      const { tenants, apiKeys } = await open();
      await tenants.create(tenant('t1'), key('k1', 't1'));
      expect(await apiKeys.create(key('k2', 't1'))).toBe(true);
      expect(await tenants.delete('t1')).toBe(true);
      expect(await tenants.delete('t1')).toBe(false);
      expect(await apiKeys.get('k1')).toBeUndefined();
      expect(await apiKeys.findCredential('hash-k2')).toBeUndefined();
      expect(await tenants.hasAny()).toBe(false);
    });

    it('refuses a key for an unknown tenant without storing it', async () => {
      const { apiKeys } = await open();
      expect(await apiKeys.create(key('k1', 'nobody'))).toBe(false);
      expect(await apiKeys.get('k1')).toBeUndefined();
    });

    it('finds a credential by hash with its current tenant, and keeps the first revocation time', async () => {
      const { tenants, apiKeys } = await open();
      await tenants.create(tenant('t1'), key('k1', 't1'));
      await apiKeys.create(key('k2', 't1', { createdAt: '2025-01-03T00:00:00.000Z' }));
      expect(await apiKeys.findCredential('hash-k2')).toEqual({
        key: key('k2', 't1', { createdAt: '2025-01-03T00:00:00.000Z' }),
        tenant: tenant('t1'),
      });
      expect(await apiKeys.findCredential('nope')).toBeUndefined();
      await tenants.update(tenant('t1', { disabled: true }));
      expect((await apiKeys.findCredential('hash-k1'))?.tenant.disabled).toBe(true);

      const revoked = await apiKeys.revoke('k1', '2025-02-01T00:00:00.000Z');
      expect(revoked).toEqual(key('k1', 't1', { revokedAt: '2025-02-01T00:00:00.000Z' }));
      expect((await apiKeys.revoke('k1', '2025-03-01T00:00:00.000Z'))?.revokedAt).toBe(
        '2025-02-01T00:00:00.000Z',
      );
      expect((await apiKeys.findCredential('hash-k1'))?.key.revokedAt).toBe(
        '2025-02-01T00:00:00.000Z',
      );
      expect(await apiKeys.revoke('missing', '2025-02-01T00:00:00.000Z')).toBeUndefined();
      expect((await apiKeys.listByTenant('t1')).map((k) => k.id)).toEqual(['k1', 'k2']);
    });

    it('sums the ledger per day, subject and model, and per budget period', async () => {
      const { usage } = await open();
      await usage.append([]);
      await usage.append(Array.from({ length: 20 }, () => event()));
      await usage.append([
        event({ model: 'claude-sonnet-4-5', day: '2025-02-01', costNanoUsd: 7000 }),
        event({ subject: 't2', promptTokens: 1, completionTokens: 1, costNanoUsd: 2 }),
        event({ subject: 'admin', day: '2024-12-31', costNanoUsd: 0 }),
      ]);
      expect(await usage.spentSince('t1')).toBe(20 * 1500 + 7000);
      expect(await usage.spentSince('t1', '2025-01-01')).toBe(20 * 1500 + 7000);
      expect(await usage.spentSince('t1', '2025-02-01')).toBe(7000);
      expect(await usage.spentSince('t1', '2025-02-02')).toBe(0);
      expect(await usage.spentSince('nobody')).toBe(0);

      const all = await usage.summarize({ fromDay: '2025-01-01', toDay: '2025-02-28' });
      expect(all.rows).toEqual([
        {
          day: '2025-01-31',
          subject: 't1',
          model: 'gpt-4o-mini',
          requests: 20,
          promptTokens: 200,
          completionTokens: 100,
          costNanoUsd: 30_000,
        },
        {
          day: '2025-01-31',
          subject: 't2',
          model: 'gpt-4o-mini',
          requests: 1,
          promptTokens: 1,
          completionTokens: 1,
          costNanoUsd: 2,
        },
        {
          day: '2025-02-01',
          subject: 't1',
          model: 'claude-sonnet-4-5',
          requests: 1,
          promptTokens: 10,
          completionTokens: 5,
          costNanoUsd: 7000,
        },
      ]);
      expect(all.totals).toEqual({
        requests: 22,
        promptTokens: 211,
        completionTokens: 106,
        costNanoUsd: 37_002,
      });
      expect(all.costNanoUsdBySubject).toEqual({ t1: 37_000, t2: 2 });
      expect(all.costNanoUsdByModel).toEqual({ 'gpt-4o-mini': 30_002, 'claude-sonnet-4-5': 7000 });

      const oneTenantOneDay = await usage.summarize({
        fromDay: '2025-02-01',
        toDay: '2025-02-01',
        subject: 't1',
      });
      expect(oneTenantOneDay.rows.map((row) => row.model)).toEqual(['claude-sonnet-4-5']);
      expect(oneTenantOneDay.totals.requests).toBe(1);
      expect(oneTenantOneDay.costNanoUsdBySubject).toEqual({ t1: 7000 });

      const empty = await usage.summarize({ fromDay: '2030-01-01', toDay: '2030-01-31' });
      expect(empty).toEqual({
        rows: [],
        totals: { requests: 0, promptTokens: 0, completionTokens: 0, costNanoUsd: 0 },
        costNanoUsdBySubject: {},
        costNanoUsdByModel: {},
      });
    });

    it('counts a retried batch once: event ids already stored are skipped', async () => {
      const { usage } = await open();
      const batch = [event(), event(), event()];
      await usage.append(batch);
      await usage.append([...batch, event()]);
      const summary = await usage.summarize({ fromDay: '2025-01-31', toDay: '2025-01-31' });
      expect(summary.totals.requests).toBe(4);
      expect(await usage.spentSince('t1')).toBe(4 * 1500);
    });

    it('keeps everything across a close and reopen, and migrates once when opened by several at once', async () => {
      const [first, second, third] = await Promise.all([open(), open(), open()]);
      expect(
        [first, second, third].map((database) => database.appliedMigrations.length).sort(),
      ).toEqual([0, 0, 1]);
      await first.tenants.create(tenant('t1'), key('k1', 't1'));
      await first.usage.append([event()]);
      await Promise.all([first.close(), second.close(), third.close()]);
      const reopened = await open();
      expect(reopened.appliedMigrations).toEqual([]);
      expect((await reopened.apiKeys.findCredential('hash-k1'))?.tenant.id).toBe('t1');
      expect(await reopened.usage.spentSince('t1')).toBe(1500);
      await expect(reopened.ping()).resolves.toBeUndefined();
    });
  });
}
