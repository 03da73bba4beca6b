import type { CacheStore } from '../../src/state/cache-store';
import type { RateLimitStore } from '../../src/state/rate-limit-store';
import type { ResponseStore, StoredResponse } from '../../src/state/response-store';
import type { TokenCounterStore } from '../../src/state/token-counter-store';

/**
 * One behaviour suite every hot-state store must pass (memory and Redis alike), so the gateway
 * never depends on which one was chosen at boot. Durable records have their own suite
 * (repository-conformance.ts).
 */
export interface StoreFactories {
  cache(maxEntries: number): Promise<CacheStore<{ value: string }>>;
  tokenCounters(): Promise<TokenCounterStore>;
  rateLimit(): Promise<RateLimitStore>;
  responses(maxStored?: number): Promise<ResponseStore>;
  cleanup(): Promise<void>;
}

/** A stored response with one message and one function call, for the response-store cases. */
export function storedResponse(id: string): StoredResponse {
  return {
    response: {
      id,
      object: 'response',
      created_at: 1,
      status: 'completed',
      background: false,
      error: null,
      incomplete_details: null,
      instructions: null,
      max_output_tokens: null,
      max_tool_calls: null,
      model: 'm',
      output: [
        {
          type: 'message',
          id: `msg_${id}`,
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'hi', annotations: [], logprobs: [] }],
        },
        {
          type: 'function_call',
          id: `fc_${id}`,
          status: 'completed',
          call_id: 'call_1',
          name: 'weather',
          arguments: '{}',
        },
      ],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      service_tier: null,
      store: true,
      temperature: null,
      text: { format: { type: 'text' }, verbosity: 'medium' },
      tool_choice: 'auto',
      tools: [],
      top_logprobs: 0,
      top_p: null,
      truncation: 'disabled',
      usage: null,
      user: null,
      metadata: {},
    },
    conversation: [{ role: 'user', content: 'hello' }],
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeStoreConformance(name: string, factories: StoreFactories): void {
  describe(`${name} stores (conformance)`, () => {
    afterEach(() => factories.cleanup());

    it('cache: returns what was set, misses unknown keys and forgets everything on clear', async () => {
      const cache = await factories.cache(10);
      await cache.set('a', { value: 'A' }, 60);
      expect(await cache.get('a')).toEqual({ value: 'A' });
      expect(await cache.get('b')).toBeUndefined();
      expect(await cache.clear()).toBe(1);
      expect(await cache.get('a')).toBeUndefined();
    });

    it('cache: holds at most maxEntries, evicting the least recently used first', async () => {
      const cache = await factories.cache(2);
      await cache.set('a', { value: 'a' }, 60);
      await sleep(5);
      await cache.set('b', { value: 'b' }, 60);
      await sleep(5);
      expect(await cache.get('a')).toEqual({ value: 'a' });
      await sleep(5);
      await cache.set('c', { value: 'c' }, 60);
      expect(await cache.get('b')).toBeUndefined();
      expect(await cache.get('a')).toEqual({ value: 'a' });
      expect(await cache.get('c')).toEqual({ value: 'c' });
      expect(await cache.clear()).toBe(2);
    });

    it('cache: an entry expires after its TTL', async () => {
      const cache = await factories.cache(10);
      await cache.set('short', { value: 'x' }, 1);
      await sleep(1100);
      expect(await cache.get('short')).toBeUndefined();
    });

    it('token counters: add up per subject and minute, atomically, and reset', async () => {
      const counters = await factories.tokenCounters();
      const totals = await Promise.all(
        Array.from({ length: 20 }, () => counters.add('t1', 1000, 15)),
      );
      // Each add answers the total it made: every one of 15, 30, … 300 exactly once.
      expect([...totals].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, index) => 15 * (index + 1)),
      );
      await counters.add('t1', 1001, 7);
      await counters.add('t2', 1000, 3);
      expect(await counters.read('t1', 1000)).toBe(300);
      expect(await counters.read('t1', 1001)).toBe(7);
      expect(await counters.read('t2', 1000)).toBe(3);
      expect(await counters.read('t1', 999)).toBe(0);
      await counters.reset('t1', 1001);
      expect(await counters.read('t1', 1001)).toBe(0);
      expect(await counters.read('t1', 1000)).toBe(300);
    });

    it('rate limit: counts hits atomically in a window and blocks beyond the limit', async () => {
      const limits = await factories.rateLimit();
      const records = await Promise.all(
        Array.from({ length: 8 }, () => limits.increment('k', 60_000, 5, 60_000, 'default')),
      );
      expect(records.map((record) => record.totalHits).sort((a, b) => a - b)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8,
      ]);
      expect(records.filter((record) => record.isBlocked)).toHaveLength(3);
      expect(records.every((record) => record.timeToExpire > 0 && record.timeToExpire <= 60)).toBe(
        true,
      );
      expect(await limits.peek('k')).toMatchObject({ hits: 8 });
      await limits.reset('k');
      expect(await limits.peek('k')).toBeUndefined();
      expect((await limits.increment('k', 60_000, 5, 60_000, 'default')).totalHits).toBe(1);
    });

    it('responses: stored per scope with their items; another scope sees none of them', async () => {
      const responses = await factories.responses();
      await responses.put('tenant-a', storedResponse('resp_1'), 60);
      expect(await responses.get('tenant-a', 'resp_1')).toEqual(storedResponse('resp_1'));
      expect(await responses.getItem('tenant-a', 'fc_resp_1')).toMatchObject({ name: 'weather' });
      expect(await responses.get('tenant-b', 'resp_1')).toBeUndefined();
      expect(await responses.getItem('tenant-b', 'msg_resp_1')).toBeUndefined();
      expect(await responses.delete('tenant-b', 'resp_1')).toBe(false);
      expect(await responses.get('unknown', 'resp_2')).toBeUndefined();
    });

    it('responses: delete removes the response and its items', async () => {
      const responses = await factories.responses();
      await responses.put('tenant-a', storedResponse('resp_3'), 60);
      expect(await responses.delete('tenant-a', 'resp_3')).toBe(true);
      expect(await responses.get('tenant-a', 'resp_3')).toBeUndefined();
      expect(await responses.getItem('tenant-a', 'msg_resp_3')).toBeUndefined();
      expect(await responses.delete('tenant-a', 'resp_3')).toBe(false);
    });

    it('responses: holds at most maxStored, the least recently used going first with their items', async () => {
      const responses = await factories.responses(2);
      await responses.put('tenant-a', storedResponse('resp_5'), 60);
      await sleep(5);
      await responses.put('tenant-b', storedResponse('resp_6'), 60);
      await sleep(5);
      expect(await responses.get('tenant-a', 'resp_5')).toEqual(storedResponse('resp_5'));
      await sleep(5);
      await responses.put('tenant-a', storedResponse('resp_7'), 60);
      expect(await responses.get('tenant-b', 'resp_6')).toBeUndefined();
      expect(await responses.getItem('tenant-b', 'fc_resp_6')).toBeUndefined();
      expect(await responses.get('tenant-a', 'resp_5')).toEqual(storedResponse('resp_5'));
      expect(await responses.getItem('tenant-a', 'fc_resp_7')).toMatchObject({ name: 'weather' });
      expect(await responses.delete('tenant-a', 'resp_5')).toBe(true);
      await responses.put('tenant-b', storedResponse('resp_8'), 60);
      expect(await responses.get('tenant-a', 'resp_7')).toEqual(storedResponse('resp_7'));
      expect(await responses.get('tenant-b', 'resp_8')).toEqual(storedResponse('resp_8'));
    });

    it('responses: a response and its items expire after the TTL', async () => {
      const responses = await factories.responses();
      await responses.put('tenant-a', storedResponse('resp_4'), 1);
      await sleep(1100);
      expect(await responses.get('tenant-a', 'resp_4')).toBeUndefined();
      expect(await responses.getItem('tenant-a', 'msg_resp_4')).toBeUndefined();
    });

    it('rate limit: a new window starts when the old one ends', async () => {
      const limits = await factories.rateLimit();
      await limits.increment('w', 200, 1, 200, 'default');
      expect((await limits.increment('w', 200, 1, 200, 'default')).isBlocked).toBe(true);
      await sleep(250);
      expect(await limits.increment('w', 200, 1, 200, 'default')).toMatchObject({
        totalHits: 1,
        isBlocked: false,
      });
    });
  });
}
