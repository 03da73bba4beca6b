import type { CacheStore } from '../../src/state/cache-store';
import type { RateLimitStore } from '../../src/state/rate-limit-store';
import type {
  ApiKeyRecord,
  StateStore,
  TenantRecord,
  UsageEntry,
} from '../../src/state/state-store';

/**
 * One behaviour suite every store implementation must pass (memory and Redis alike), so the
 * gateway never depends on which one was chosen at boot.
 */
export interface StoreFactories {
  cache(maxEntries: number): Promise<CacheStore<{ value: string }>>;
  state(): Promise<StateStore>;
  rateLimit(): Promise<RateLimitStore>;
  cleanup(): Promise<void>;
}

const tenant = (id: string, extra: Partial<TenantRecord> = {}): TenantRecord => ({
  id,
  name: `tenant ${id}`,
  budgetPeriod: 'total',
  createdAt: '2025-01-01T00:00:00.000Z',
  ...extra,
});

const key = (id: string, tenantId: string): ApiKeyRecord => ({
  id,
  tenantId,
  hash: `hash-${id}`,
  preview: 'gw-sk-abc',
  createdAt: '2025-01-01T00:00:00.000Z',
});

const usage = (extra: Partial<UsageEntry> = {}): UsageEntry => ({
  subject: 't1',
  model: 'gpt-4o-mini',
  promptTokens: 10,
  completionTokens: 5,
  costNanoUsd: 1500,
  day: '2025-01-31',
  month: '2025-01',
  minute: 1000,
  ...extra,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeStoreConformance(name: string, factories: StoreFactories): void {
  describe(`${name} stores (conformance)`, () => {
    afterEach(() => factories.cleanup());

    it('cache: returns what was set, misses unknown keys and forgets everything on clear', async () => {
      const cache = await factories.cache(10);
      await cache.set('a', { value: 'A' }, 60);
      expect(await cache.get('a')).toEqual({ value: 'A' });
      expect(await cache.get('b')).toBeUndefined();
      expect(await cache.clear()).toBe(1);
      expect(await cache.get('a')).toBeUndefined();
    });

    it('cache: holds at most maxEntries, evicting the least recently used first', async () => {
      const cache = await factories.cache(2);
      await cache.set('a', { value: 'a' }, 60);
      await sleep(5);
      await cache.set('b', { value: 'b' }, 60);
      await sleep(5);
      expect(await cache.get('a')).toEqual({ value: 'a' });
      await sleep(5);
      await cache.set('c', { value: 'c' }, 60);
      expect(await cache.get('b')).toBeUndefined();
      expect(await cache.get('a')).toEqual({ value: 'a' });
      expect(await cache.get('c')).toEqual({ value: 'c' });
      expect(await cache.clear()).toBe(2);
    });

    it('cache: an entry expires after its TTL', async () => {
      const cache = await factories.cache(10);
      await cache.set('short', { value: 'x' }, 1);
      await sleep(1100);
      expect(await cache.get('short')).toBeUndefined();
    });

    it('state: saves, lists, updates and deletes tenants, deleting their keys too', async () => {
      const state = await factories.state();
      expect(await state.hasTenants()).toBe(false);
      await state.saveTenant(tenant('t1'));
      await state.saveTenant(tenant('t2', { budgetUsd: 5 }));
      expect(await state.hasTenants()).toBe(true);
      expect((await state.listTenants()).map((t) => t.id).sort()).toEqual(['t1', 't2']);
      await state.saveTenant(tenant('t1', { name: 'renamed' }));
      expect((await state.getTenant('t1'))?.name).toBe('renamed');
      await state.saveKey(key('k1', 't1'));
      expect(await state.deleteTenant('t1')).toBe(true);
      expect(await state.deleteTenant('t1')).toBe(false);
      expect(await state.findCredential('hash-k1')).toBeUndefined();
      expect(await state.getKey('k1')).toBeUndefined();
    });

    it('state: finds a credential by hash with its tenant, and keeps revocation', async () => {
      const state = await factories.state();
      await state.saveTenant(tenant('t1'));
      await state.saveKey(key('k1', 't1'));
      await state.saveKey(key('k2', 't1'));
      expect(await state.findCredential('hash-k1')).toMatchObject({
        key: { id: 'k1' },
        tenant: { id: 't1' },
      });
      expect(await state.findCredential('nope')).toBeUndefined();
      await state.saveKey({ ...key('k1', 't1'), revokedAt: '2025-02-01T00:00:00.000Z' });
      expect((await state.findCredential('hash-k1'))?.key.revokedAt).toBeDefined();
      expect((await state.listKeys('t1')).map((k) => k.id).sort()).toEqual(['k1', 'k2']);
    });

    it('state: usage adds up per day, subject and model, with spend per period and tokens per minute', async () => {
      const state = await factories.state();
      await Promise.all(Array.from({ length: 20 }, () => state.recordUsage(usage())));
      await state.recordUsage(
        usage({ model: 'claude-sonnet-4-5', day: '2025-02-01', month: '2025-02', minute: 1001 }),
      );
      expect(await state.readQuota('t1', 'total', 1000)).toEqual({
        spentNanoUsd: 21 * 1500,
        tokensThisMinute: 0 + 20 * 15,
      });
      expect(await state.readQuota('t1', 'month:2025-01', 1001)).toEqual({
        spentNanoUsd: 20 * 1500,
        tokensThisMinute: 15,
      });
      expect(await state.readQuota('t1', 'day:2025-02-01', 999)).toEqual({
        spentNanoUsd: 1500,
        tokensThisMinute: 0,
      });
      const rows = await state.usageByDay(['2025-01-31', '2025-02-01', '2025-02-02']);
      expect(rows).toEqual(
        expect.arrayContaining([
          {
            day: '2025-01-31',
            subject: 't1',
            model: 'gpt-4o-mini',
            requests: 20,
            promptTokens: 200,
            completionTokens: 100,
            costNanoUsd: 30000,
          },
          {
            day: '2025-02-01',
            subject: 't1',
            model: 'claude-sonnet-4-5',
            requests: 1,
            promptTokens: 10,
            completionTokens: 5,
            costNanoUsd: 1500,
          },
        ]),
      );
      expect(rows).toHaveLength(2);
      await state.resetTokens('t1', 1001);
      expect((await state.readQuota('t1', 'total', 1001)).tokensThisMinute).toBe(0);
    });

    it('rate limit: counts hits atomically in a window and blocks beyond the limit', async () => {
      const limits = await factories.rateLimit();
      const records = await Promise.all(
        Array.from({ length: 8 }, () => limits.increment('k', 60_000, 5, 60_000, 'default')),
      );
      expect(records.map((record) => record.totalHits).sort((a, b) => a - b)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8,
      ]);
      expect(records.filter((record) => record.isBlocked)).toHaveLength(3);
      expect(records.every((record) => record.timeToExpire > 0 && record.timeToExpire <= 60)).toBe(
        true,
      );
      expect(await limits.peek('k')).toMatchObject({ hits: 8 });
      await limits.reset('k');
      expect(await limits.peek('k')).toBeUndefined();
      expect((await limits.increment('k', 60_000, 5, 60_000, 'default')).totalHits).toBe(1);
    });

    it('rate limit: a new window starts when the old one ends', async () => {
      const limits = await factories.rateLimit();
      await limits.increment('w', 200, 1, 200, 'default');
      expect((await limits.increment('w', 200, 1, 200, 'default')).isBlocked).toBe(true);
      await sleep(250);
      expect(await limits.increment('w', 200, 1, 200, 'default')).toMatchObject({
        totalHits: 1,
        isBlocked: false,
      });
    });
  });
}
