import type { Pool } from 'pg';
import {
  API_KEY_COLUMNS,
  apiKeyFromRow,
  CREDENTIAL_COLUMNS,
  credentialFromRow,
  type ApiKeyRow,
  type CredentialRow,
} from '../record-rows';
import type { ApiKeyRecord, Credential } from '../records';
import type { ApiKeyRepository } from '../repositories';
import { insertApiKey } from './postgres-tenant-repository';

const FOREIGN_KEY_VIOLATION = '23503';

export class PostgresApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly pool: Pool) {}

  async create(key: ApiKeyRecord): Promise<boolean> {
    try {
      await insertApiKey(this.pool, key);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) return false;
      throw error;
    }
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const { rows } = await this.pool.query<ApiKeyRow>(
      `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = $1`,
      [id],
    );
    return rows[0] && apiKeyFromRow(rows[0]);
  }

  async listByTenant(tenantId: string): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<ApiKeyRow>(
      `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id`,
      [tenantId],
    );
    return rows.map(apiKeyFromRow);
  }

  async findCredential(hash: string): Promise<Credential | undefined> {
    const { rows } = await this.pool.query<CredentialRow>(
      `SELECT ${CREDENTIAL_COLUMNS}
       FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.key_hash = $1`,
      [hash],
    );
    return rows[0] && credentialFromRow(rows[0]);
  }

  async revoke(id: string, at: string): Promise<ApiKeyRecord | undefined> {
    const { rows } = await this.pool.query<ApiKeyRow>(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1
       RETURNING ${API_KEY_COLUMNS}`,
      [id, at],
    );
    return rows[0] && apiKeyFromRow(rows[0]);
  }
}
