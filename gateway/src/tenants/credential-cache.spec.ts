import pino from 'pino';
import { DatabaseUnavailableError } from '../persistence/database-unavailable';
import type { ApiKeyRecord, Credential, TenantRecord } from '../persistence/records';
import type { ApiKeyRepository } from '../persistence/repositories';
import { SqliteDatabase } from '../persistence/sqlite/sqlite-database';
import { LocalTenantChangeFeed } from '../persistence/tenant-change-feed';
import { CredentialCache } from './credential-cache';
import { loadGatewayConfig } from '../gateway-config';
import { elapse, useFakeDate } from '../../test/support/fake-date';

/** The real SQLite key repository, counting lookups, with a switch for an unreachable database. */
class CountingKeys {
  lookups = 0;
  down = false;
  gate: Promise<void> | undefined;
  constructor(private readonly inner: ApiKeyRepository) {}
  asRepository(): ApiKeyRepository {
    return Object.assign(Object.create(this.inner) as ApiKeyRepository, {
      findCredential: async (hash: string): Promise<Credential | undefined> => {
        this.lookups += 1;
        await this.gate;
        if (this.down) throw new DatabaseUnavailableError('connect ECONNREFUSED');
        return this.inner.findCredential(hash);
      },
    });
  }
}

const tenant: TenantRecord = {
  id: 't1',
  name: 'acme',
  budgetPeriod: 'monthly',
  disabled: false,
  createdAt: '2025-01-01T00:00:00.000Z',
};
const key: ApiKeyRecord = {
  id: 'k1',
  tenantId: 't1',
  hash: 'hash-1',
  preview: 'gw-sk-abcd…',
  createdAt: '2025-01-01T00:00:00.000Z',
};

describe('CredentialCache', () => {
  let database: SqliteDatabase;
  let keys: CountingKeys;
  let feed: LocalTenantChangeFeed;

  const cacheWith = (ttlMs: number) =>
    new CredentialCache(
      keys.asRepository(),
      database.tenants,
      feed,
      loadGatewayConfig({ API_KEY_CACHE_TTL_MS: String(ttlMs) }),
      pino({ level: 'silent' }),
    );

  beforeEach(async () => {
    // The cache's TTLs age only when a test calls `elapse`.
    useFakeDate(Date.parse('2025-01-31T10:00:00Z'));
    database = new SqliteDatabase(':memory:');
    await database.tenants.create(tenant, key);
    keys = new CountingKeys(database.apiKeys);
    feed = new LocalTenantChangeFeed();
  });
  afterEach(async () => {
    jest.useRealTimers();
    await database.close();
  });

  it('answers repeated and concurrent lookups of one key with one database read', async () => {
    const cache = cacheWith(60_000);
    const found = await Promise.all(Array.from({ length: 5 }, () => cache.find('hash-1')));
    expect(found.every((credential) => credential?.tenant.id === 't1')).toBe(true);
    expect(await cache.find('hash-1')).toBeDefined();
    expect(await cache.find('unknown')).toBeUndefined();
    expect(await cache.find('unknown')).toBeUndefined();
    expect(keys.lookups).toBe(2);
  });

  it('answers a fresh lookup without waiting, and nothing once it expired or was forgotten', async () => {
    const cache = cacheWith(50);
    expect(cache.fresh('hash-1')).toBeUndefined();
    await cache.find('hash-1');
    await cache.find('unknown');
    expect(cache.fresh('hash-1')?.credential?.tenant.id).toBe('t1');
    // An unknown key is remembered too: fresh, with no credential.
    expect(cache.fresh('unknown')).toEqual(expect.objectContaining({ credential: undefined }));
    elapse(80);
    expect(cache.fresh('hash-1')).toBeUndefined();
    await cache.find('hash-1');
    await feed.publish('t1');
    expect(cache.fresh('hash-1')).toBeUndefined();
    expect(keys.lookups).toBe(3);
  });

  it('forgets a tenant’s keys when the change feed announces it, and reads them again after the TTL', async () => {
    const cache = cacheWith(60_000);
    await cache.find('hash-1');
    await database.apiKeys.revoke('k1', '2025-02-01T00:00:00.000Z');
    expect((await cache.find('hash-1'))?.key.revokedAt).toBeUndefined();
    await feed.publish('t1');
    expect((await cache.find('hash-1'))?.key.revokedAt).toBe('2025-02-01T00:00:00.000Z');

    const shortLived = cacheWith(50);
    await shortLived.find('hash-1');
    await database.tenants.update({ ...tenant, disabled: true });
    elapse(80);
    expect((await shortLived.find('hash-1'))?.tenant.disabled).toBe(true);
  });

  it('does not remember a lookup that was in flight when a change arrived', async () => {
    const cache = cacheWith(60_000);
    let open!: () => void;
    keys.gate = new Promise((resolve) => (open = resolve));
    const racing = cache.find('hash-1');
    await feed.publish('t1');
    open();
    await racing;
    keys.gate = undefined;
    const lookups = keys.lookups;
    await cache.find('hash-1');
    expect(keys.lookups).toBe(lookups + 1);
  });

  it('keeps answering from expired entries while the database is unavailable; unknown keys get 503', async () => {
    const cache = cacheWith(20);
    await cache.find('hash-1');
    elapse(40);
    keys.down = true;
    expect((await cache.find('hash-1'))?.tenant.id).toBe('t1');
    await expect(cache.find('never-seen')).rejects.toMatchObject({
      status: 503,
      code: 'database_unavailable',
    });
  });
});
