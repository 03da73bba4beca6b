import { describeStoreConformance } from '../../test/support/store-conformance';
import { MemoryCacheStore } from './memory-cache-store';
import { MemoryRateLimitStore } from './memory-rate-limit-store';
import { MemoryResponseStore } from './memory-response-store';
import { MemoryTokenCounterStore } from './memory-token-counter-store';

describeStoreConformance('memory', {
  cache: async (maxEntries) => new MemoryCacheStore(maxEntries),
  tokenCounters: async () => new MemoryTokenCounterStore(),
  rateLimit: async () => new MemoryRateLimitStore(),
  responses: async (maxStored = 100) => new MemoryResponseStore(maxStored),
  cleanup: async () => undefined,
});

describe('MemoryCacheStore', () => {
  it('evicts the least recently used entry beyond CACHE_MAX_ENTRIES', async () => {
    const cache = new MemoryCacheStore<{ value: string }>(2);
    await cache.set('a', { value: 'a' }, 60);
    await cache.set('b', { value: 'b' }, 60);
    await cache.get('a');
    await cache.set('c', { value: 'c' }, 60);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBeDefined();
    expect(cache.size()).toBe(2);
  });
});
