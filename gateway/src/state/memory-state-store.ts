import type {
  ApiKeyRecord,
  Credential,
  QuotaReading,
  SpendPeriodKey,
  StateStore,
  TenantRecord,
  UsageEntry,
  UsageRow,
} from './state-store';
import { spendPeriodKey } from './state-store';

/** Everything in process memory: the embedded topology (no REDIS_URL); gone on restart. */
export class MemoryStateStore implements StateStore {
  private readonly tenants = new Map<string, TenantRecord>();
  private readonly keys = new Map<string, ApiKeyRecord>();
  private readonly keyIdByHash = new Map<string, string>();
  private readonly spend = new Map<string, number>();
  /** `subject|minute` → tokens; minutes older than the previous one are swept as time moves on. */
  private readonly tokens = new Map<string, number>();
  private latestMinute = 0;
  /** day → `subject|model` → row */
  private readonly usage = new Map<string, Map<string, UsageRow>>();

  async saveTenant(tenant: TenantRecord): Promise<void> {
    this.tenants.set(tenant.id, tenant);
  }

  async getTenant(id: string): Promise<TenantRecord | undefined> {
    return this.tenants.get(id);
  }

  async listTenants(): Promise<TenantRecord[]> {
    return [...this.tenants.values()];
  }

  async deleteTenant(id: string): Promise<boolean> {
    for (const key of this.keys.values()) {
      if (key.tenantId !== id) continue;
      this.keys.delete(key.id);
      this.keyIdByHash.delete(key.hash);
    }
    return this.tenants.delete(id);
  }

  async hasTenants(): Promise<boolean> {
    return this.tenants.size > 0;
  }

  async saveKey(key: ApiKeyRecord): Promise<void> {
    this.keys.set(key.id, key);
    this.keyIdByHash.set(key.hash, key.id);
  }

  async getKey(id: string): Promise<ApiKeyRecord | undefined> {
    return this.keys.get(id);
  }

  async listKeys(tenantId: string): Promise<ApiKeyRecord[]> {
    return [...this.keys.values()].filter((key) => key.tenantId === tenantId);
  }

  async findCredential(hash: string): Promise<Credential | undefined> {
    const keyId = this.keyIdByHash.get(hash);
    const key = keyId === undefined ? undefined : this.keys.get(keyId);
    const tenant = key && this.tenants.get(key.tenantId);
    return key && tenant ? { key, tenant } : undefined;
  }

  async readQuota(subject: string, period: SpendPeriodKey, minute: number): Promise<QuotaReading> {
    return {
      spentNanoUsd: this.spend.get(`${subject}|${period}`) ?? 0,
      tokensThisMinute: this.tokens.get(`${subject}|${minute}`) ?? 0,
    };
  }

  async recordUsage(entry: UsageEntry): Promise<void> {
    for (const period of ['daily', 'monthly', 'total'] as const) {
      const key = `${entry.subject}|${spendPeriodKey(period, entry)}`;
      this.spend.set(key, (this.spend.get(key) ?? 0) + entry.costNanoUsd);
    }
    this.sweepTokens(entry.minute);
    const tokensKey = `${entry.subject}|${entry.minute}`;
    this.tokens.set(
      tokensKey,
      (this.tokens.get(tokensKey) ?? 0) + entry.promptTokens + entry.completionTokens,
    );
    this.addUsageRow(entry);
  }

  async usageByDay(days: string[]): Promise<UsageRow[]> {
    return days.flatMap((day) =>
      [...(this.usage.get(day)?.values() ?? [])].map((row) => ({ ...row })),
    );
  }

  async resetTokens(subject: string, minute: number): Promise<void> {
    this.tokens.delete(`${subject}|${minute}`);
  }

  private sweepTokens(minute: number): void {
    if (minute <= this.latestMinute) return;
    this.latestMinute = minute;
    for (const key of this.tokens.keys()) {
      if (Number(key.slice(key.lastIndexOf('|') + 1)) < minute - 1) this.tokens.delete(key);
    }
  }

  private addUsageRow(entry: UsageEntry): void {
    let rows = this.usage.get(entry.day);
    if (!rows) this.usage.set(entry.day, (rows = new Map()));
    const id = `${entry.subject}|${entry.model}`;
    let row = rows.get(id);
    if (!row) {
      row = {
        day: entry.day,
        subject: entry.subject,
        model: entry.model,
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
        costNanoUsd: 0,
      };
      rows.set(id, row);
    }
    row.requests += 1;
    row.promptTokens += entry.promptTokens;
    row.completionTokens += entry.completionTokens;
    row.costNanoUsd += entry.costNanoUsd;
  }
}
