/**
 * Tenants, API keys and usage counters. Memory and Redis implementations pass one conformance
 * suite; one is chosen at boot from REDIS_URL. Counters are atomic increments in both.
 */
export type BudgetPeriod = 'daily' | 'monthly' | 'total';

export interface TenantRecord {
  id: string;
  name: string;
  rateLimitRpm?: number;
  tokensPerMinute?: number;
  budgetUsd?: number;
  budgetPeriod: BudgetPeriod;
  /** Model names as clients send them; absent: every model. */
  allowedModels?: string[];
  createdAt: string;
}

export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  /** sha256 (hex) of the secret; the secret itself is never stored. */
  hash: string;
  /** The first characters of the secret, to tell keys apart in listings. */
  preview: string;
  createdAt: string;
  revokedAt?: string;
}

export interface Credential {
  key: ApiKeyRecord;
  tenant: TenantRecord;
}

/** Where the counters of one request land. `subject` is a tenant id (or 'anonymous' / 'admin'). */
export interface UsageEntry {
  subject: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** Cost in nano-USD (1e-9), so that Redis can add it with INCRBY, exactly. */
  costNanoUsd: number;
  /** UTC day `YYYY-MM-DD`, month `YYYY-MM` and minute (epoch minutes) the request belongs to. */
  day: string;
  month: string;
  minute: number;
}

export interface UsageRow {
  day: string;
  subject: string;
  model: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costNanoUsd: number;
}

export interface QuotaReading {
  spentNanoUsd: number;
  tokensThisMinute: number;
}

/** The spend counter a budget period reads: `day:2025-01-31`, `month:2025-01` or `total`. */
export type SpendPeriodKey = string;

export interface StateStore {
  saveTenant(tenant: TenantRecord): Promise<void>;
  getTenant(id: string): Promise<TenantRecord | undefined>;
  listTenants(): Promise<TenantRecord[]>;
  /** Deletes the tenant and all its keys; false when it did not exist. */
  deleteTenant(id: string): Promise<boolean>;
  hasTenants(): Promise<boolean>;

  saveKey(key: ApiKeyRecord): Promise<void>;
  getKey(id: string): Promise<ApiKeyRecord | undefined>;
  listKeys(tenantId: string): Promise<ApiKeyRecord[]>;
  /** The key with this hash and its tenant, in one round trip. */
  findCredential(hash: string): Promise<Credential | undefined>;

  /** Spend in the given period and tokens in the given minute, in one round trip. */
  readQuota(subject: string, period: SpendPeriodKey, minute: number): Promise<QuotaReading>;
  recordUsage(entry: UsageEntry): Promise<void>;
  /** Usage rows of the given days (all subjects). */
  usageByDay(days: string[]): Promise<UsageRow[]>;
  /** Forgets the tokens counted in the given minute (admin reset). */
  resetTokens(subject: string, minute: number): Promise<void>;
}

export function spendPeriodKey(
  period: BudgetPeriod,
  entry: Pick<UsageEntry, 'day' | 'month'>,
): SpendPeriodKey {
  return period === 'daily'
    ? `day:${entry.day}`
    : period === 'monthly'
      ? `month:${entry.month}`
      : 'total';
}

/** Field separator inside usage hashes: cannot appear in tenant ids or model names sent as JSON strings. */
export const USAGE_FIELD_SEPARATOR = '\u001f';
