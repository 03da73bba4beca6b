/**
 * What the soak bench watches in Redis: the server's used_memory (INFO memory; shared with
 * whatever else uses this Redis), and the gateway's own keys under the run's prefix: how many,
 * their memory (MEMORY USAGE, summed over a sample and scaled), and at the end a breakdown by
 * key shape, type and TTL, which is what names anything that grows without bound.
 */
import { Redis } from 'ioredis';

export interface PrefixStats {
  keys: number;
  /** MEMORY USAGE summed over up to `sampleLimit` keys, scaled to all of them. */
  bytes: number;
}

export interface KeyGroup {
  shape: string;
  type: string;
  /** `none` when a key never expires, else the range of TTLs seen. */
  ttl: string;
  keys: number;
  bytes: number;
}

/** A key with its ids, hashes and numbers replaced by `*`, so keys of one kind group together. */
export function keyShape(key: string, prefix: string): string {
  return key
    .slice(prefix.length)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/[0-9a-f]{16,}/gi, '<hash>')
    .replace(/[A-Za-z0-9_-]{20,}/g, '<id>')
    .replace(/\d+/g, '<n>');
}

export class RedisProbe {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
  }

  async usedMemory(): Promise<number> {
    const info = await this.redis.info('memory');
    return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
  }

  async keys(): Promise<string[]> {
    const all: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 1000);
      cursor = next;
      all.push(...keys);
    } while (cursor !== '0');
    return all;
  }

  private async memoryOf(keys: string[]): Promise<number[]> {
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([, value]) => Number(value ?? 0));
  }

  async prefixStats(sampleLimit = 2000): Promise<PrefixStats> {
    const keys = await this.keys();
    const step = Math.max(1, Math.ceil(keys.length / sampleLimit));
    const sample = keys.filter((_, index) => index % step === 0);
    const sampled = (await this.memoryOf(sample)).reduce((sum, bytes) => sum + bytes, 0);
    return {
      keys: keys.length,
      bytes: sample.length ? (sampled * keys.length) / sample.length : 0,
    };
  }

  /** Every key of the prefix grouped by shape, type and TTL, largest first. */
  async breakdown(): Promise<KeyGroup[]> {
    const keys = await this.keys();
    const groups = new Map<string, KeyGroup & { ttls: number[] }>();
    for (let start = 0; start < keys.length; start += 500) {
      const batch = keys.slice(start, start + 500);
      const pipeline = this.redis.pipeline();
      for (const key of batch) pipeline.type(key).pttl(key).memory('USAGE', key);
      const results = (await pipeline.exec()) ?? [];
      batch.forEach((key, index) => {
        const type = String(results[index * 3]?.[1]);
        const ttl = Number(results[index * 3 + 1]?.[1]);
        const bytes = Number(results[index * 3 + 2]?.[1] ?? 0);
        const shape = keyShape(key, this.prefix);
        const id = `${shape} ${type} ${ttl < 0 ? 'none' : 'ttl'}`;
        const group = groups.get(id) ?? { shape, type, ttl: '', keys: 0, bytes: 0, ttls: [] };
        group.keys += 1;
        group.bytes += bytes;
        if (ttl >= 0) group.ttls.push(ttl);
        groups.set(id, group);
      });
    }
    return [...groups.values()]
      .map(({ ttls, ...group }) => ({
        ...group,
        ttl: ttls.length
          ? `${Math.round(Math.min(...ttls) / 1000)}–${Math.round(Math.max(...ttls) / 1000)} s`
          : 'none',
      }))
      .sort((a, b) => b.bytes - a.bytes);
  }

  /** Entries of a sorted set, list, stream or hash under the prefix (what grows inside one key). */
  async lengthOf(key: string, type: string): Promise<number> {
    const command = { zset: 'zcard', list: 'llen', stream: 'xlen', hash: 'hlen', set: 'scard' }[
      type
    ];
    return command ? Number(await this.redis.call(command, key)) : 1;
  }

  close(): void {
    this.redis.disconnect();
  }
}
