import type { ApiKeyRecord, BudgetPeriod, Credential, TenantRecord, UsageRow } from './records';

/**
 * Rows as either driver returns them, and their mapping to records. SQLite gives integers for
 * booleans and text for JSON and times; PostgreSQL gives booleans, parsed JSON, `Date`s, and
 * strings for bigints and sums. The column names are the same in both schemas.
 */
type Integer = number | string | bigint | null;
type Timestamp = string | Date;

export interface TenantRow {
  id: string;
  name: string;
  rate_limit_rpm: Integer;
  tokens_per_minute: Integer;
  budget_usd: number | string | null;
  budget_period: string;
  allowed_models: string | string[] | null;
  disabled: number | boolean;
  created_at: Timestamp;
}

export interface ApiKeyRow {
  id: string;
  tenant_id: string;
  key_hash: string;
  preview: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

/** A key joined with its tenant: tenant columns as named, key columns prefixed `key_`. */
export interface CredentialRow extends TenantRow {
  key_id: string;
  key_hash: string;
  key_preview: string;
  key_created_at: Timestamp;
  key_revoked_at: Timestamp | null;
}

export interface UsageDailyRow {
  day: string;
  subject: string;
  model: string;
  requests: Integer;
  prompt_tokens: Integer;
  completion_tokens: Integer;
  cost_nano_usd: Integer;
}

export const TENANT_COLUMNS =
  'id, name, rate_limit_rpm, tokens_per_minute, budget_usd, budget_period, allowed_models, disabled, created_at';

export const API_KEY_COLUMNS = 'id, tenant_id, key_hash, preview, created_at, revoked_at';

/** Select list of the key-with-tenant join (`k` keys, `t` tenants), valid in both dialects. */
export const CREDENTIAL_COLUMNS = `t.id, t.name, t.rate_limit_rpm, t.tokens_per_minute, t.budget_usd,
  t.budget_period, t.allowed_models, t.disabled, t.created_at,
  k.id AS key_id, k.key_hash, k.preview AS key_preview, k.created_at AS key_created_at,
  k.revoked_at AS key_revoked_at`;

const toNumber = (value: Integer): number => (value === null ? 0 : Number(value));
const optionalNumber = (value: Integer | number): number | undefined =>
  value === null ? undefined : Number(value);
const toIso = (value: Timestamp): string =>
  value instanceof Date ? value.toISOString() : new Date(value).toISOString();

export function tenantFromRow(row: TenantRow): TenantRecord {
  const models = row.allowed_models;
  const tenant: TenantRecord = {
    id: row.id,
    name: row.name,
    budgetPeriod: row.budget_period as BudgetPeriod,
    disabled: row.disabled === true || row.disabled === 1,
    createdAt: toIso(row.created_at),
  };
  const rateLimitRpm = optionalNumber(row.rate_limit_rpm);
  const tokensPerMinute = optionalNumber(row.tokens_per_minute);
  const budgetUsd = optionalNumber(row.budget_usd);
  if (rateLimitRpm !== undefined) tenant.rateLimitRpm = rateLimitRpm;
  if (tokensPerMinute !== undefined) tenant.tokensPerMinute = tokensPerMinute;
  if (budgetUsd !== undefined) tenant.budgetUsd = budgetUsd;
  if (models !== null)
    tenant.allowedModels = typeof models === 'string' ? (JSON.parse(models) as string[]) : models;
  return tenant;
}

export function apiKeyFromRow(row: ApiKeyRow): ApiKeyRecord {
  const key: ApiKeyRecord = {
    id: row.id,
    tenantId: row.tenant_id,
    hash: row.key_hash,
    preview: row.preview,
    createdAt: toIso(row.created_at),
  };
  if (row.revoked_at !== null) key.revokedAt = toIso(row.revoked_at);
  return key;
}

export function credentialFromRow(row: CredentialRow): Credential {
  return {
    tenant: tenantFromRow(row),
    key: apiKeyFromRow({
      id: row.key_id,
      tenant_id: row.id,
      key_hash: row.key_hash,
      preview: row.key_preview,
      created_at: row.key_created_at,
      revoked_at: row.key_revoked_at,
    }),
  };
}

export function usageRowFromRow(row: UsageDailyRow): UsageRow {
  return {
    day: row.day,
    subject: row.subject,
    model: row.model,
    requests: toNumber(row.requests),
    promptTokens: toNumber(row.prompt_tokens),
    completionTokens: toNumber(row.completion_tokens),
    costNanoUsd: toNumber(row.cost_nano_usd),
  };
}

export function sumsByName(rows: { name: string; cost: Integer }[]): Record<string, number> {
  return Object.fromEntries(rows.map((row) => [row.name, toNumber(row.cost)]));
}

export { toNumber as integerOf };

/** The first day that counts towards a tenant's budget period (the ledger sums days on or after it). */
export const ALL_DAYS = '1970-01-01';
