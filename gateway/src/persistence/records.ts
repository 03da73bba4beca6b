/**
 * The records that must outlive a restart, a Redis flush and a deploy: tenants, their API keys
 * and the usage ledger. Plain data, the same whichever database holds them.
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
  /** A disabled tenant keeps its keys and usage, but its keys are refused (403 tenant_disabled). */
  disabled: boolean;
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

/** A key and the tenant it belongs to: what authenticating a request needs. */
export interface Credential {
  key: ApiKeyRecord;
  tenant: TenantRecord;
}

/** One answered request in the ledger. `subject` is a tenant id, or 'admin' / 'anonymous'. */
export interface UsageEvent {
  /** Unique per event: a batch retried after an ambiguous failure is not counted twice. */
  id: string;
  occurredAt: string;
  /** UTC day `YYYY-MM-DD` the request belongs to. */
  day: string;
  subject: string;
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** Cost in nano-USD (1e-9): integers add up exactly. */
  costNanoUsd: number;
  requestId: string;
}

/** Usage summed per UTC day, subject and model. */
export interface UsageRow {
  day: string;
  subject: string;
  model: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costNanoUsd: number;
}

export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costNanoUsd: number;
}

/** Inclusive range of UTC days, optionally one subject. */
export interface UsageQuery {
  fromDay: string;
  toDay: string;
  subject?: string;
}

/** What `/admin/usage` reports, every figure aggregated by the database. */
export interface UsageSummary {
  rows: UsageRow[];
  totals: UsageTotals;
  costNanoUsdBySubject: Record<string, number>;
  costNanoUsdByModel: Record<string, number>;
}
