import type { Pool, PoolClient } from 'pg';
import { API_KEY_COLUMNS, TENANT_COLUMNS, tenantFromRow, type TenantRow } from '../record-rows';
import type { ApiKeyRecord, TenantRecord } from '../records';
import type { TenantRepository } from '../repositories';
import { inTransaction } from './postgres-transaction';

function tenantValues(tenant: TenantRecord): unknown[] {
  return [
    tenant.id,
    tenant.name,
    tenant.rateLimitRpm ?? null,
    tenant.tokensPerMinute ?? null,
    tenant.budgetUsd ?? null,
    tenant.budgetPeriod,
    tenant.allowedModels ? JSON.stringify(tenant.allowedModels) : null,
    tenant.disabled,
  ];
}

export async function insertApiKey(client: Pool | PoolClient, key: ApiKeyRecord): Promise<void> {
  await client.query(`INSERT INTO api_keys (${API_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
    key.id,
    key.tenantId,
    key.hash,
    key.preview,
    key.createdAt,
    key.revokedAt ?? null,
  ]);
}

export class PostgresTenantRepository implements TenantRepository {
  constructor(private readonly pool: Pool) {}

  async create(tenant: TenantRecord, firstKey: ApiKeyRecord): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO tenants (${TENANT_COLUMNS}, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, now())`,
        [...tenantValues(tenant), tenant.createdAt],
      );
      await insertApiKey(client, firstKey);
    });
  }

  async update(tenant: TenantRecord): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE tenants SET name = $2, rate_limit_rpm = $3, tokens_per_minute = $4,
         budget_usd = $5, budget_period = $6, allowed_models = $7::jsonb, disabled = $8,
         updated_at = now()
       WHERE id = $1`,
      tenantValues(tenant),
    );
    return (result.rowCount ?? 0) > 0;
  }

  async get(id: string): Promise<TenantRecord | undefined> {
    const { rows } = await this.pool.query<TenantRow>(
      `SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = $1`,
      [id],
    );
    return rows[0] && tenantFromRow(rows[0]);
  }

  async list(): Promise<TenantRecord[]> {
    const { rows } = await this.pool.query<TenantRow>(
      `SELECT ${TENANT_COLUMNS} FROM tenants ORDER BY created_at, id`,
    );
    return rows.map(tenantFromRow);
  }

  /** Its keys go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM tenants WHERE id = $1', [id]);
    return (result.rowCount ?? 0) > 0;
  }

  async hasAny(): Promise<boolean> {
    const { rows } = await this.pool.query<{ found: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM tenants) AS found',
    );
    return rows[0].found;
  }
}
