import type {
  ApiKeyRecord,
  Credential,
  TenantRecord,
  UsageEvent,
  UsageQuery,
  UsageSummary,
} from './records';

/**
 * The seam between the gateway and its system of record: one repository per kind of record,
 * each implemented for SQLite (embedded) and PostgreSQL (DATABASE_URL). Every write resolves
 * only once it is committed, so an acknowledged admin call survives a crash.
 */
export interface TenantRepository {
  /** Inserts a tenant together with its first key, in one transaction. */
  create(tenant: TenantRecord, firstKey: ApiKeyRecord): Promise<void>;
  /** Replaces every field but the id and creation time; false when the tenant does not exist. */
  update(tenant: TenantRecord): Promise<boolean>;
  get(id: string): Promise<TenantRecord | undefined>;
  /** Oldest first. */
  list(): Promise<TenantRecord[]>;
  /** Deletes the tenant and its keys (its usage stays in the ledger); false when it did not exist. */
  delete(id: string): Promise<boolean>;
  hasAny(): Promise<boolean>;
}

export interface ApiKeyRepository {
  /** False (and nothing stored) when its tenant does not exist. */
  create(key: ApiKeyRecord): Promise<boolean>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Oldest first. */
  listByTenant(tenantId: string): Promise<ApiKeyRecord[]>;
  /** The key with this hash and its tenant, in one query. */
  findCredential(hash: string): Promise<Credential | undefined>;
  /** Sets the revocation time unless already revoked; the stored record, or undefined if unknown. */
  revoke(id: string, at: string): Promise<ApiKeyRecord | undefined>;
}

export interface UsageLedger {
  /** Appends events in one transaction; an event id already stored is skipped (a retried batch). */
  append(events: readonly UsageEvent[]): Promise<void>;
  /** Nano-USD a subject spent on days on or after `sinceDay` (every day when absent). */
  spentSince(subject: string, sinceDay?: string): Promise<number>;
  /** Rows per day, subject and model, totals, and cost per subject and per model. */
  summarize(query: UsageQuery): Promise<UsageSummary>;
}

/** One opened database: the three repositories over one connection (pool), and its lifecycle. */
export interface Database {
  readonly kind: 'sqlite' | 'postgres';
  /** Where it lives, for logs: the SQLite file, or the PostgreSQL host and database (no password). */
  readonly location: string;
  readonly tenants: TenantRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly usage: UsageLedger;
  /** Migration versions this open applied (empty when the schema was already current). */
  readonly appliedMigrations: number[];
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
