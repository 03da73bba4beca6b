import type BetterSqlite3 from 'better-sqlite3';
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
import { apiKeyParameters, INSERT_API_KEY } from './sqlite-tenant-repository';

export class SqliteApiKeyRepository implements ApiKeyRepository {
  private readonly insertKey: BetterSqlite3.Statement;
  private readonly selectKey: BetterSqlite3.Statement;
  private readonly selectKeysOfTenant: BetterSqlite3.Statement;
  private readonly selectCredential: BetterSqlite3.Statement;
  private readonly revokeKey: BetterSqlite3.Statement;

  constructor(private readonly connection: BetterSqlite3.Database) {
    this.insertKey = connection.prepare(INSERT_API_KEY);
    this.selectKey = connection.prepare(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = ?`);
    this.selectKeysOfTenant = connection.prepare(
      `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id`,
    );
    this.selectCredential = connection.prepare(`SELECT ${CREDENTIAL_COLUMNS}
      FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.key_hash = ?`);
    this.revokeKey = connection.prepare(
      'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?',
    );
  }

  async create(key: ApiKeyRecord): Promise<boolean> {
    try {
      this.insertKey.run(apiKeyParameters(key));
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return false;
      throw error;
    }
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const row = this.selectKey.get(id) as ApiKeyRow | undefined;
    return row && apiKeyFromRow(row);
  }

  async listByTenant(tenantId: string): Promise<ApiKeyRecord[]> {
    return (this.selectKeysOfTenant.all(tenantId) as ApiKeyRow[]).map(apiKeyFromRow);
  }

  async findCredential(hash: string): Promise<Credential | undefined> {
    const row = this.selectCredential.get(hash) as CredentialRow | undefined;
    return row && credentialFromRow(row);
  }

  async revoke(id: string, at: string): Promise<ApiKeyRecord | undefined> {
    return this.connection.transaction(() => {
      this.revokeKey.run(at, id);
      const row = this.selectKey.get(id) as ApiKeyRow | undefined;
      return row && apiKeyFromRow(row);
    })();
  }
}
