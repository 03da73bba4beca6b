import type { Redis } from 'ioredis';
import type { CacheStore } from './cache-store';
import { deleteByPrefix } from './redis-connection';

/** JSON values under `<prefix>cache:<key>` with Redis' own expiry (SET … EX). */
export class RedisCacheStore<T> implements CacheStore<T> {
  private readonly prefix: string;

  constructor(
    private readonly client: Redis,
    keyPrefix: string,
  ) {
    this.prefix = `${keyPrefix}cache:`;
  }

  async get(key: string): Promise<T | undefined> {
    const raw = await this.client.get(this.prefix + key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async set(key: string, value: T, ttlSeconds: number): Promise<void> {
    await this.client.set(this.prefix + key, JSON.stringify(value), 'EX', ttlSeconds);
  }

  clear(): Promise<number> {
    return deleteByPrefix(this.client, this.prefix);
  }

  size(): undefined {
    return undefined;
  }
}
