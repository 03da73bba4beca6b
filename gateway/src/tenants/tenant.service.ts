import { Inject, Injectable } from '@nestjs/common';
import { GatewayError } from '@app/contracts';
import {
  API_KEY_REPOSITORY,
  TENANT_CHANGE_FEED,
  TENANT_REPOSITORY,
} from '../persistence/persistence.module';
import type { ApiKeyRecord, TenantRecord } from '../persistence/records';
import type { ApiKeyRepository, TenantRepository } from '../persistence/repositories';
import type { TenantChangeFeed } from '../persistence/tenant-change-feed';
import { generateApiKey, newId } from './api-key';
import type { CreateTenantInput, UpdateTenantInput } from './tenant.schemas';

export interface IssuedKey {
  key: ApiKeyRecord;
  /** The `gw-sk-…` secret: returned once, at creation. */
  secret: string;
}

function tenantNotFound(id: string): GatewayError {
  return new GatewayError(404, `No tenant '${id}'`, 'not_found_error', 'tenant_not_found', 'id');
}

function newKey(tenantId: string): IssuedKey {
  const { secret, hash, preview } = generateApiKey();
  return {
    secret,
    key: { id: newId('key'), tenantId, hash, preview, createdAt: new Date().toISOString() },
  };
}

/**
 * Tenant and key administration over the repositories. Every method resolves after the change
 * is committed; changes that alter what a key may do are then announced to every replica, whose
 * key caches drop the tenant's entries.
 */
@Injectable()
export class TenantService {
  constructor(
    @Inject(TENANT_REPOSITORY) private readonly tenants: TenantRepository,
    @Inject(API_KEY_REPOSITORY) private readonly apiKeys: ApiKeyRepository,
    @Inject(TENANT_CHANGE_FEED) private readonly changes: TenantChangeFeed,
  ) {}

  async create(input: CreateTenantInput): Promise<{ tenant: TenantRecord; issued: IssuedKey }> {
    const tenant: TenantRecord = {
      id: newId('ten'),
      name: input.name,
      rateLimitRpm: input.rate_limit_rpm,
      tokensPerMinute: input.tokens_per_minute,
      budgetUsd: input.budget_usd,
      budgetPeriod: input.budget_period ?? 'monthly',
      allowedModels: input.allowed_models,
      disabled: input.disabled ?? false,
      createdAt: new Date().toISOString(),
    };
    const issued = newKey(tenant.id);
    await this.tenants.create(tenant, issued.key);
    // Replicas still open (no tenant, no ADMIN_API_KEY) close on hearing of the first tenant.
    await this.changes.publish(tenant.id);
    return { tenant, issued };
  }

  list(): Promise<TenantRecord[]> {
    return this.tenants.list();
  }

  async get(id: string): Promise<TenantRecord> {
    const tenant = await this.tenants.get(id);
    if (!tenant) throw tenantNotFound(id);
    return tenant;
  }

  keysOf(tenantId: string): Promise<ApiKeyRecord[]> {
    return this.apiKeys.listByTenant(tenantId);
  }

  async update(id: string, input: UpdateTenantInput): Promise<TenantRecord> {
    const current = await this.get(id);
    const pick = <T>(value: T | null | undefined, fallback: T | undefined) =>
      value === undefined ? fallback : (value ?? undefined);
    const updated: TenantRecord = {
      ...current,
      name: input.name ?? current.name,
      rateLimitRpm: pick(input.rate_limit_rpm, current.rateLimitRpm),
      tokensPerMinute: pick(input.tokens_per_minute, current.tokensPerMinute),
      budgetUsd: pick(input.budget_usd, current.budgetUsd),
      budgetPeriod: input.budget_period ?? current.budgetPeriod,
      allowedModels: pick(input.allowed_models, current.allowedModels),
      disabled: input.disabled ?? current.disabled,
    };
    if (!(await this.tenants.update(updated))) throw tenantNotFound(id);
    await this.changes.publish(id);
    return updated;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.tenants.delete(id))) throw tenantNotFound(id);
    await this.changes.publish(id);
  }

  /** A new key needs no announcement: no replica can have cached a lookup of its hash. */
  async issueKey(tenantId: string): Promise<IssuedKey> {
    const issued = newKey(tenantId);
    if (!(await this.apiKeys.create(issued.key))) throw tenantNotFound(tenantId);
    return issued;
  }

  /** Revocation keeps the record (so a revoked key answers "revoked", not "unknown"). */
  async revokeKey(keyId: string): Promise<ApiKeyRecord> {
    const revoked = await this.apiKeys.revoke(keyId, new Date().toISOString());
    if (!revoked)
      throw new GatewayError(
        404,
        `No API key '${keyId}'`,
        'not_found_error',
        'api_key_not_found',
        'id',
      );
    await this.changes.publish(revoked.tenantId);
    return revoked;
  }
}
