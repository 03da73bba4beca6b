import type { ApiKeyRecord, TenantRecord } from '../persistence/records';

/** Admin API shapes (snake_case like the rest of the API). Hashes never leave the gateway. */
export function apiKeyView(key: ApiKeyRecord) {
  return {
    id: key.id,
    object: 'api_key',
    tenant_id: key.tenantId,
    preview: key.preview,
    created_at: key.createdAt,
    revoked_at: key.revokedAt ?? null,
  };
}

export function tenantView(tenant: TenantRecord, keys: ApiKeyRecord[]) {
  return {
    id: tenant.id,
    object: 'tenant',
    name: tenant.name,
    rate_limit_rpm: tenant.rateLimitRpm ?? null,
    tokens_per_minute: tenant.tokensPerMinute ?? null,
    budget_usd: tenant.budgetUsd ?? null,
    budget_period: tenant.budgetPeriod,
    allowed_models: tenant.allowedModels ?? null,
    disabled: tenant.disabled,
    created_at: tenant.createdAt,
    keys: keys.map(apiKeyView),
  };
}
