import type BetterSqlite3 from 'better-sqlite3';
import { API_KEY_COLUMNS, TENANT_COLUMNS, tenantFromRow, type TenantRow } from '../record-rows';
import type { ApiKeyRecord, TenantRecord } from '../records';
import type { TenantRepository } from '../repositories';

export function tenantParameters(tenant: TenantRecord) {
  return {
    id: tenant.id,
    name: tenant.name,
    rate_limit_rpm: tenant.rateLimitRpm ?? null,
    tokens_per_minute: tenant.tokensPerMinute ?? null,
    budget_usd: tenant.budgetUsd ?? null,
    budget_period: tenant.budgetPeriod,
    allowed_models: tenant.allowedModels ? JSON.stringify(tenant.allowedModels) : null,
    disabled: tenant.disabled ? 1 : 0,
    created_at: tenant.createdAt,
    updated_at: new Date().toISOString(),
  };
}

export function apiKeyParameters(key: ApiKeyRecord) {
  return {
    id: key.id,
    tenant_id: key.tenantId,
    key_hash: key.hash,
    preview: key.preview,
    created_at: key.createdAt,
    revoked_at: key.revokedAt ?? null,
  };
}

export const INSERT_API_KEY = `INSERT INTO api_keys (${API_KEY_COLUMNS})
  VALUES (@id, @tenant_id, @key_hash, @preview, @created_at, @revoked_at)`;

/** better-sqlite3 is synchronous: each call is committed (and fsynced) when it returns. */
export class SqliteTenantRepository implements TenantRepository {
  private readonly insertTenant: BetterSqlite3.Statement;
  private readonly insertKey: BetterSqlite3.Statement;
  private readonly updateTenant: BetterSqlite3.Statement;
  private readonly selectTenant: BetterSqlite3.Statement;
  private readonly selectTenants: BetterSqlite3.Statement;
  private readonly deleteTenant: BetterSqlite3.Statement;
  private readonly anyTenant: BetterSqlite3.Statement;

  constructor(private readonly connection: BetterSqlite3.Database) {
    this.insertTenant = connection.prepare(`INSERT INTO tenants (${TENANT_COLUMNS}, updated_at)
      VALUES (@id, @name, @rate_limit_rpm, @tokens_per_minute, @budget_usd, @budget_period,
              @allowed_models, @disabled, @created_at, @updated_at)`);
    this.insertKey = connection.prepare(INSERT_API_KEY);
    this.updateTenant = connection.prepare(`UPDATE tenants SET name = @name,
      rate_limit_rpm = @rate_limit_rpm, tokens_per_minute = @tokens_per_minute,
      budget_usd = @budget_usd, budget_period = @budget_period, allowed_models = @allowed_models,
      disabled = @disabled, updated_at = @updated_at
      WHERE id = @id`);
    this.selectTenant = connection.prepare(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = ?`);
    this.selectTenants = connection.prepare(
      `SELECT ${TENANT_COLUMNS} FROM tenants ORDER BY created_at, id`,
    );
    this.deleteTenant = connection.prepare('DELETE FROM tenants WHERE id = ?');
    this.anyTenant = connection.prepare('SELECT EXISTS (SELECT 1 FROM tenants) AS found').pluck();
  }

  async create(tenant: TenantRecord, firstKey: ApiKeyRecord): Promise<void> {
    this.connection.transaction(() => {
      this.insertTenant.run(tenantParameters(tenant));
      this.insertKey.run(apiKeyParameters(firstKey));
    })();
  }

  async update(tenant: TenantRecord): Promise<boolean> {
    return this.updateTenant.run(tenantParameters(tenant)).changes > 0;
  }

  async get(id: string): Promise<TenantRecord | undefined> {
    const row = this.selectTenant.get(id) as TenantRow | undefined;
    return row && tenantFromRow(row);
  }

  async list(): Promise<TenantRecord[]> {
    return (this.selectTenants.all() as TenantRow[]).map(tenantFromRow);
  }

  /** Its keys go with it (ON DELETE CASCADE; foreign_keys is on for every connection). */
  async delete(id: string): Promise<boolean> {
    return this.deleteTenant.run(id).changes > 0;
  }

  async hasAny(): Promise<boolean> {
    return this.anyTenant.get() === 1;
  }
}
