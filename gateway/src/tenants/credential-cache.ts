import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { LOGGER } from '../logging/logger';
import { isDatabaseUnavailable } from '../persistence/database-unavailable';
import {
  API_KEY_REPOSITORY,
  TENANT_CHANGE_FEED,
  TENANT_REPOSITORY,
} from '../persistence/persistence.module';
import type { Credential } from '../persistence/records';
import type { ApiKeyRepository, TenantRepository } from '../persistence/repositories';
import type { TenantChange, TenantChangeFeed } from '../persistence/tenant-change-feed';

interface CachedLookup {
  /** Undefined: no key has this hash (remembered too, so unknown keys cannot hammer the database). */
  credential: Credential | undefined;
  expiresAt: number;
}

/** Distinct key hashes remembered; random unknown keys beyond it push out the least recently used. */
const MAX_ENTRIES = 50_000;
/** While the change feed is down, nothing is trusted longer than this (the revocation bound). */
const FEED_DOWN_TTL_MS = 1000;
const OUTAGE_LOG_INTERVAL_MS = 10_000;

/**
 * Key lookups for the request path, from memory: each hash is read from the database at most
 * once per API_KEY_CACHE_TTL_MS (concurrent misses share one query), so authentication adds no
 * database round trip per request. A change to a tenant or its keys, on any replica, arrives
 * through the change feed and drops that tenant's entries at once; the TTL is the backstop when
 * a message is lost. While the database is unreachable, expired entries keep answering.
 */
@Injectable()
export class CredentialCache implements OnModuleDestroy {
  private readonly entries = new LRUCache<string, CachedLookup>({ max: MAX_ENTRIES });
  private readonly loading = new Map<string, Promise<Credential | undefined>>();
  /** Bumped by every change: a lookup that started before it is returned but not remembered. */
  private generation = 0;
  private tenantsExist: { value: boolean; expiresAt: number } | undefined;
  private lastOutageLog = 0;
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(API_KEY_REPOSITORY) private readonly apiKeys: ApiKeyRepository,
    @Inject(TENANT_REPOSITORY) private readonly tenants: TenantRepository,
    @Inject(TENANT_CHANGE_FEED) private readonly changes: TenantChangeFeed,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.unsubscribe = changes.subscribe((change) => this.forget(change));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /**
   * The remembered lookup of `hash` while it is fresh, without waiting: `{ credential }` (which
   * may be undefined: no such key), or undefined when `find` must ask the database.
   */
  fresh(hash: string): { credential: Credential | undefined } | undefined {
    const cached = this.entries.get(hash);
    return cached && cached.expiresAt > Date.now() ? cached : undefined;
  }

  async find(hash: string): Promise<Credential | undefined> {
    const known = this.fresh(hash);
    if (known) return known.credential;
    // Expired (kept for a database outage) or never looked up.
    const cached = this.entries.get(hash);
    try {
      return await this.load(hash);
    } catch (error) {
      if (!cached || !isDatabaseUnavailable(error)) throw error;
      this.logOutage(error);
      return cached.credential;
    }
  }

  /** Whether any tenant exists (an open gateway closes once one does); cached like keys. */
  async hasTenants(): Promise<boolean> {
    const known = this.tenantsExist;
    if (known && (known.value || known.expiresAt > Date.now())) return known.value;
    const generation = this.generation;
    const value = await this.tenants.hasAny();
    if (generation === this.generation) this.tenantsExist = { value, expiresAt: this.expiry() };
    return value;
  }

  private load(hash: string): Promise<Credential | undefined> {
    let pending = this.loading.get(hash);
    if (pending) return pending;
    const generation = this.generation;
    pending = this.apiKeys
      .findCredential(hash)
      .then((credential) => {
        if (generation === this.generation)
          this.entries.set(hash, { credential, expiresAt: this.expiry() });
        return credential;
      })
      .finally(() => {
        if (this.loading.get(hash) === pending) this.loading.delete(hash);
      });
    this.loading.set(hash, pending);
    return pending;
  }

  private expiry(): number {
    const ttl = this.config.persistence.apiKeyCacheTtlMs;
    return Date.now() + (this.changes.isLive() ? ttl : Math.min(ttl, FEED_DOWN_TTL_MS));
  }

  private forget(change: TenantChange): void {
    this.generation += 1;
    // Lookups in flight started before the change: later callers must not join them.
    this.loading.clear();
    this.tenantsExist = undefined;
    if ('everything' in change) {
      this.entries.clear();
      return;
    }
    for (const [hash, entry] of this.entries.entries()) {
      if (entry.credential?.tenant.id === change.tenantId) this.entries.delete(hash);
    }
  }

  private logOutage(error: unknown): void {
    const now = Date.now();
    if (now - this.lastOutageLog < OUTAGE_LOG_INTERVAL_MS) return;
    this.lastOutageLog = now;
    this.logger.warn(
      { err: { message: (error as Error).message } },
      'database unavailable: authenticating from cached key lookups',
    );
  }
}
