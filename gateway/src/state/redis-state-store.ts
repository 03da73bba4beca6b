import type { Redis } from 'ioredis';
import { orUnavailable, RedisScript } from './redis-connection';
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
import { spendPeriodKey, USAGE_FIELD_SEPARATOR as SEP } from './state-store';

/** Key, then tenant, in one round trip: the auth check of every request. */
const FIND_CREDENTIAL = new RedisScript(`
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
local key = redis.call('HGET', KEYS[2], id)
if not key then return false end
local tenant = redis.call('HGET', KEYS[3], cjson.decode(key).tenantId)
if not tenant then return false end
return {key, tenant}
`);

const DAY_SECONDS = 86_400;
const USAGE_FIELDS = ['requests', 'prompt', 'completion', 'cost'] as const;

/**
 * Tenants and keys in hashes, counters as INCRBY/HINCRBY (atomic, shared by every replica,
 * kept across restarts). Usage is one hash per UTC day: `subject␟model␟field` → count.
 */
export class RedisStateStore implements StateStore {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {}

  async saveTenant(tenant: TenantRecord): Promise<void> {
    return orUnavailable('Tenant storage', async () => {
      await this.client.hset(this.key('tenants'), tenant.id, JSON.stringify(tenant));
    });
  }

  async getTenant(id: string): Promise<TenantRecord | undefined> {
    return orUnavailable('Tenant storage', async () =>
      parse<TenantRecord>(await this.client.hget(this.key('tenants'), id)),
    );
  }

  async listTenants(): Promise<TenantRecord[]> {
    return orUnavailable('Tenant storage', async () =>
      Object.values(await this.client.hgetall(this.key('tenants'))).map(
        (raw) => JSON.parse(raw) as TenantRecord,
      ),
    );
  }

  async deleteTenant(id: string): Promise<boolean> {
    return orUnavailable('Tenant storage', async () => {
      const keys = await this.listKeys(id);
      const transaction = this.client.multi().hdel(this.key('tenants'), id);
      for (const key of keys)
        transaction.hdel(this.key('keys'), key.id).hdel(this.key('keyhash'), key.hash);
      const results = await transaction.exec();
      return results?.[0]?.[1] === 1;
    });
  }

  async hasTenants(): Promise<boolean> {
    return orUnavailable(
      'API key verification',
      async () => (await this.client.hlen(this.key('tenants'))) > 0,
    );
  }

  async saveKey(key: ApiKeyRecord): Promise<void> {
    return orUnavailable('API key storage', async () => {
      await this.client
        .multi()
        .hset(this.key('keys'), key.id, JSON.stringify(key))
        .hset(this.key('keyhash'), key.hash, key.id)
        .exec();
    });
  }

  async getKey(id: string): Promise<ApiKeyRecord | undefined> {
    return orUnavailable('API key storage', async () =>
      parse<ApiKeyRecord>(await this.client.hget(this.key('keys'), id)),
    );
  }

  async listKeys(tenantId: string): Promise<ApiKeyRecord[]> {
    return orUnavailable('API key storage', async () =>
      Object.values(await this.client.hgetall(this.key('keys')))
        .map((raw) => JSON.parse(raw) as ApiKeyRecord)
        .filter((key) => key.tenantId === tenantId),
    );
  }

  async findCredential(hash: string): Promise<Credential | undefined> {
    return orUnavailable('API key verification', async () => {
      const found = await FIND_CREDENTIAL.run(
        this.client,
        [this.key('keyhash'), this.key('keys'), this.key('tenants')],
        [hash],
      );
      if (!Array.isArray(found)) return undefined;
      return {
        key: JSON.parse(String(found[0])) as ApiKeyRecord,
        tenant: JSON.parse(String(found[1])) as TenantRecord,
      };
    });
  }

  async readQuota(subject: string, period: SpendPeriodKey, minute: number): Promise<QuotaReading> {
    return orUnavailable('Budget and token limits', async () => {
      const [spent, tokens] = await this.client.mget(
        this.spendKey(subject, period),
        this.tokensKey(subject, minute),
      );
      return { spentNanoUsd: Number(spent ?? 0), tokensThisMinute: Number(tokens ?? 0) };
    });
  }

  async recordUsage(entry: UsageEntry): Promise<void> {
    return orUnavailable('Usage accounting', async () => {
      const usageKey = this.key(`usage:${entry.day}`);
      const field = `${entry.subject}${SEP}${entry.model}${SEP}`;
      const tokensKey = this.tokensKey(entry.subject, entry.minute);
      await this.client
        .multi()
        .incrby(this.spendKey(entry.subject, spendPeriodKey('daily', entry)), entry.costNanoUsd)
        .expire(this.spendKey(entry.subject, spendPeriodKey('daily', entry)), 2 * DAY_SECONDS)
        .incrby(this.spendKey(entry.subject, spendPeriodKey('monthly', entry)), entry.costNanoUsd)
        .expire(this.spendKey(entry.subject, spendPeriodKey('monthly', entry)), 32 * DAY_SECONDS)
        .incrby(this.spendKey(entry.subject, 'total'), entry.costNanoUsd)
        .incrby(tokensKey, entry.promptTokens + entry.completionTokens)
        .expire(tokensKey, 120)
        .hincrby(usageKey, `${field}requests`, 1)
        .hincrby(usageKey, `${field}prompt`, entry.promptTokens)
        .hincrby(usageKey, `${field}completion`, entry.completionTokens)
        .hincrby(usageKey, `${field}cost`, entry.costNanoUsd)
        .expire(usageKey, 400 * DAY_SECONDS)
        .exec();
    });
  }

  async usageByDay(days: string[]): Promise<UsageRow[]> {
    return orUnavailable('The usage report', async () => {
      const pipeline = this.client.pipeline();
      for (const day of days) pipeline.hgetall(this.key(`usage:${day}`));
      const results = (await pipeline.exec()) ?? [];
      return days.flatMap((day, index) =>
        toUsageRows(day, (results[index]?.[1] ?? {}) as Record<string, string>),
      );
    });
  }

  async resetTokens(subject: string, minute: number): Promise<void> {
    return orUnavailable('Token limits', async () => {
      await this.client.del(this.tokensKey(subject, minute));
    });
  }

  private key(name: string): string {
    return this.prefix + name;
  }

  private spendKey(subject: string, period: SpendPeriodKey): string {
    return this.key(`spend:${subject}:${period}`);
  }

  private tokensKey(subject: string, minute: number): string {
    return this.key(`tpm:${subject}:${minute}`);
  }
}

function parse<T>(raw: string | null): T | undefined {
  return raw === null ? undefined : (JSON.parse(raw) as T);
}

function toUsageRows(day: string, hash: Record<string, string>): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const [field, value] of Object.entries(hash)) {
    const [subject, model, kind] = field.split(SEP);
    if (
      !subject ||
      model === undefined ||
      !USAGE_FIELDS.includes(kind as (typeof USAGE_FIELDS)[number])
    )
      continue;
    const id = `${subject}${SEP}${model}`;
    let row = rows.get(id);
    if (!row)
      rows.set(
        id,
        (row = {
          day,
          subject,
          model,
          requests: 0,
          promptTokens: 0,
          completionTokens: 0,
          costNanoUsd: 0,
        }),
      );
    const amount = Number(value);
    if (kind === 'requests') row.requests = amount;
    else if (kind === 'prompt') row.promptTokens = amount;
    else if (kind === 'completion') row.completionTokens = amount;
    else row.costNanoUsd = amount;
  }
  return [...rows.values()];
}
