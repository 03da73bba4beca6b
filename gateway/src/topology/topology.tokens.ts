/**
 * What the topology module provides; everything else injects these and never asks whether Redis
 * is there.
 */

/** The app's one ioredis client, or `null` without REDIS_URL. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
/** `CacheStore`: the response cache (memory LRU, or Redis shared by replicas). */
export const CACHE_STORE = Symbol('CACHE_STORE');
/** `TokenCounterStore`: tokens-per-minute counters (tenants, keys, usage are in persistence/). */
export const TOKEN_COUNTER_STORE = Symbol('TOKEN_COUNTER_STORE');
/** `ResponseStore`: stored Responses API responses, per tenant, with a TTL. */
export const RESPONSE_STORE = Symbol('RESPONSE_STORE');
/** `RateLimitStore`: fixed one-minute windows per caller. */
export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');
/**
 * `LocalDispatcher`: where local inference and RAG work runs (this process, or workers over
 * BullMQ), created on first use unless a local provider is configured.
 */
export const LOCAL_DISPATCHER = Symbol('LOCAL_DISPATCHER');
