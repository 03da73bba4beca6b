/**
 * Key-value storage with a time to live, for cached responses. Memory (LRU) and Redis
 * implementations pass the same conformance suite; one is chosen at boot from REDIS_URL.
 */
export interface CacheStore<T> {
  get(key: string): Promise<T | undefined>;
  /** Stores `value` for `ttlSeconds` (> 0). */
  set(key: string, value: T, ttlSeconds: number): Promise<void>;
  /** Removes every entry; resolves with how many were removed. */
  clear(): Promise<number>;
  /** Entries held, when cheap to know (memory); undefined for Redis. */
  size(): number | undefined;
}
