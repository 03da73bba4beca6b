import { Inject, Injectable } from '@nestjs/common';
import { GatewayError } from '@app/contracts';
import { STATE_STORE } from '../topology/topology.tokens';
import type { ApiKeyRecord, StateStore, TenantRecord } from '../state/state-store';
import { generateApiKey, newId } from './api-key';
import type { CreateTenantInput, UpdateTenantInput } from './tenant.schemas';

export interface IssuedKey {
  key: ApiKeyRecord;
  /** The `gw-sk-…` secret: returned once, at creation. */
  secret: string;
}

/** Tenant and key administration over the StateStore. */
@Injectable()
export class TenantService {
  constructor(@Inject(STATE_STORE) private readonly state: StateStore) {}

  async create(input: CreateTenantInput): Promise<{ tenant: TenantRecord; issued: IssuedKey }> {
    const tenant: TenantRecord = {
      id: newId('ten'),
      name: input.name,
      rateLimitRpm: input.rate_limit_rpm,
      tokensPerMinute: input.tokens_per_minute,
      budgetUsd: input.budget_usd,
      budgetPeriod: input.budget_period ?? 'monthly',
      allowedModels: input.allowed_models,
      createdAt: new Date().toISOString(),
    };
    await this.state.saveTenant(tenant);
    return { tenant, issued: await this.issueKey(tenant.id) };
  }

  list(): Promise<TenantRecord[]> {
    return this.state.listTenants();
  }

  async get(id: string): Promise<TenantRecord> {
    const tenant = await this.state.getTenant(id);
    if (!tenant)
      throw new GatewayError(404, `No tenant '${id}'`, 'not_found_error', 'tenant_not_found', 'id');
    return tenant;
  }

  keysOf(tenantId: string): Promise<ApiKeyRecord[]> {
    return this.state.listKeys(tenantId);
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
    };
    await this.state.saveTenant(updated);
    return updated;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.state.deleteTenant(id))) await this.get(id);
  }

  async issueKey(tenantId: string): Promise<IssuedKey> {
    await this.get(tenantId);
    const { secret, hash, preview } = generateApiKey();
    const key: ApiKeyRecord = {
      id: newId('key'),
      tenantId,
      hash,
      preview,
      createdAt: new Date().toISOString(),
    };
    await this.state.saveKey(key);
    return { key, secret };
  }

  /** Revocation keeps the record (so a revoked key answers "revoked", not "unknown"). */
  async revokeKey(keyId: string): Promise<ApiKeyRecord> {
    const key = await this.state.getKey(keyId);
    if (!key)
      throw new GatewayError(
        404,
        `No API key '${keyId}'`,
        'not_found_error',
        'api_key_not_found',
        'id',
      );
    const revoked = { ...key, revokedAt: key.revokedAt ?? new Date().toISOString() };
    await this.state.saveKey(revoked);
    return revoked;
  }
}
