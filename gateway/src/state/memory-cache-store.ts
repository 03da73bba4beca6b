import { LRUCache } from 'lru-cache';
import type { CacheStore } from './cache-store';

/**
 * In-process LRU with per-entry TTL. Values are kept as objects (no serialisation on the hot
 * path), so callers must treat what `get` returns as read-only.
 */
export class MemoryCacheStore<T extends object> implements CacheStore<T> {
  private readonly entries: LRUCache<string, T>;

  constructor(maxEntries: number) {
    this.entries = new LRUCache<string, T>({ max: maxEntries });
  }

  async get(key: string): Promise<T | undefined> {
    return this.entries.get(key);
  }

  async set(key: string, value: T, ttlSeconds: number): Promise<void> {
    this.entries.set(key, value, { ttl: ttlSeconds * 1000 });
  }

  async clear(): Promise<number> {
    const count = this.entries.size;
    this.entries.clear();
    return count;
  }

  size(): number {
    return this.entries.size;
  }
}
