import { createHash } from 'node:crypto';
import { ProviderError, type ChatCompletion, type ChatCompletionRequest } from '@app/contracts';
import pino from 'pino';
import { ScriptedChatProvider } from '../../test/support/scripted-chat-provider';
import type { CacheStore } from '../state/cache-store';
import { MemoryCacheStore } from '../state/memory-cache-store';
import { cacheKeyFor } from './cache-key';
import type { CachedCompletion } from './cached-completion';
import { ResponseCache } from './response-cache';
import { loadGatewayConfig } from '../gateway-config';
import { AbortSource } from '@app/http';

type Directives = { noCache: boolean; noStore: boolean };
type Source = 'provider' | 'cache' | 'in-flight';

const NO_DIRECTIVES: Directives = { noCache: false, noStore: false };
const TENANT = 'ten_acme';

const request = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'What is the capital of France?' }],
  ...extra,
});

/** A memory store that also records each `set`, and can be made to fail like a lost Redis. */
class RecordingStore implements CacheStore<CachedCompletion> {
  readonly sets: { key: string; ttlSeconds: number }[] = [];
  down = false;
  private readonly memory = new MemoryCacheStore<CachedCompletion>(100);

  get(key: string): Promise<CachedCompletion | undefined> {
    return this.down ? Promise.reject(new Error('connection lost')) : this.memory.get(key);
  }

  set(key: string, value: CachedCompletion, ttlSeconds: number): Promise<void> {
    this.sets.push({ key, ttlSeconds });
    return this.down
      ? Promise.reject(new Error('connection lost'))
      : this.memory.set(key, value, ttlSeconds);
  }

  clear(): Promise<number> {
    return this.memory.clear();
  }

  size(): number {
    return this.memory.size();
  }
}

function responseCache(store: CacheStore<CachedCompletion>, env: Record<string, string> = {}) {
  const config = loadGatewayConfig({ CACHE_ENABLED: 'true', CACHE_TTL_SECONDS: '600', ...env });
  return new ResponseCache(config, store, pino({ level: 'silent' }));
}

/**
 * One non-streaming request through the cache, the way the chat use case drives it (see
 * `ResponseCache.lead`): wait for an identical request in flight, else lead: look up, call the
 * provider on a miss, and settle with the answer (or with nothing when the call failed).
 */
async function send(
  cache: ResponseCache,
  provider: ScriptedChatProvider,
  chatRequest: ChatCompletionRequest,
  scope = TENANT,
  directives: Directives = NO_DIRECTIVES,
): Promise<{ completion: ChatCompletion; source: Source }> {
  const plan = cache.plan(chatRequest, scope, directives);
  const waiting = plan?.lookup ? cache.inFlightAnswer(plan) : undefined;
  const shared = waiting ? await waiting : undefined;
  if (shared) return { completion: shared.completion, source: 'in-flight' };
  const settle = plan ? cache.lead(plan) : undefined;
  try {
    const cached = plan?.lookup ? await cache.lookup(plan) : undefined;
    if (cached) {
      settle?.(cached, true);
      return { completion: cached.completion, source: 'cache' };
    }
    const completion = await provider.chat(chatRequest, {
      abort: new AbortSource(),
      requestId: 'spec',
    });
    settle?.({ completion, provider: provider.id, model: chatRequest.model });
    return { completion, source: 'provider' };
  } catch (error) {
    settle?.(undefined);
    throw error;
  }
}

const textOf = (result: { completion: ChatCompletion }) =>
  result.completion.choices[0]?.message.content;

/** The request's result; fails fast (not at the test timeout) if it waits for a held call. */
async function withoutWaiting<T>(pending: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('still waiting after 5 s for a held call')), 5000);
  });
  try {
    return await Promise.race([pending, stuck]);
  } finally {
    clearTimeout(timer);
  }
}

describe('cacheKeyFor', () => {
  it('hashes the normalized request: key order does not matter', () => {
    const reordered: ChatCompletionRequest = {
      messages: [{ content: 'What is the capital of France?', role: 'user' }],
      model: 'gpt-4o-mini',
    };
    expect(cacheKeyFor(reordered, TENANT)).toBe(cacheKeyFor(request(), TENANT));
  });

  it('is the sha256 of the sorted-key JSON (keys stored by earlier versions still match)', () => {
    const text =
      '{"messages":[{"content":"What is the capital of France?","role":"user"}],"model":"gpt-4o-mini"}';
    expect(cacheKeyFor(request(), TENANT)).toBe(
      `${TENANT}:${createHash('sha256').update(text).digest('hex')}`,
    );
  });

  it('sorts nested objects too, and leaves undefined fields out', () => {
    const schema = (first: 'a' | 'b') => ({
      type: 'json_schema' as const,
      json_schema:
        first === 'a'
          ? { name: 'answer', schema: { a: 1, b: [{ y: 2, x: 1 }] } }
          : { schema: { b: [{ x: 1, y: 2 }], a: 1 }, name: 'answer', strict: undefined },
    });
    expect(cacheKeyFor(request({ response_format: schema('a') }), TENANT)).toBe(
      cacheKeyFor(request({ response_format: schema('b') }), TENANT),
    );
  });

  it('scopes every key by tenant, so the same request never shares an answer across tenants', () => {
    const acme = cacheKeyFor(request(), 'ten_acme');
    const globex = cacheKeyFor(request(), 'ten_globex');
    expect(acme).not.toBe(globex);
    expect(acme.startsWith('ten_acme:')).toBe(true);
    expect(globex.startsWith('ten_globex:')).toBe(true);
  });

  it('ignores how the answer is delivered and who asked', () => {
    const base = cacheKeyFor(request(), TENANT);
    const delivery = request({
      stream: true,
      stream_options: { include_usage: true },
      user: 'user-42',
      metadata: { trace: 'abc' },
      cache: { ttl: 5 },
      temperature: null,
    });
    expect(cacheKeyFor(delivery, TENANT)).toBe(base);
  });

  it.each<[string, Partial<ChatCompletionRequest>]>([
    ['model', { model: 'gpt-4o' }],
    ['messages', { messages: [{ role: 'user', content: 'And of Spain?' }] }],
    ['temperature', { temperature: 0.2 }],
    ['max_tokens', { max_tokens: 10 }],
    ['response_format', { response_format: { type: 'json_object' } }],
  ])('changes when %s changes', (_field, extra) => {
    expect(cacheKeyFor(request(extra), TENANT)).not.toBe(cacheKeyFor(request(), TENANT));
  });
});

describe('ResponseCache', () => {
  let store: RecordingStore;
  let provider: ScriptedChatProvider;

  beforeEach(() => {
    store = new RecordingStore();
    provider = new ScriptedChatProvider({ id: 'openai' });
  });

  describe('plan', () => {
    it('reads and stores with the configured TTL by default', () => {
      expect(responseCache(store).plan(request(), TENANT, NO_DIRECTIVES)).toEqual({
        key: cacheKeyFor(request(), TENANT),
        lookup: true,
        store: true,
        ttlSeconds: 600,
      });
    });

    it('has no plan when CACHE_ENABLED is false', () => {
      const cache = responseCache(store, { CACHE_ENABLED: 'false' });
      expect(cache.plan(request(), TENANT, NO_DIRECTIVES)).toBeUndefined();
    });

    it('takes the TTL from "cache": {"ttl"}, and stores nothing with a TTL of 0', () => {
      const cache = responseCache(store);
      expect(cache.plan(request({ cache: { ttl: 5 } }), TENANT, NO_DIRECTIVES)).toMatchObject({
        lookup: true,
        store: true,
        ttlSeconds: 5,
      });
      expect(cache.plan(request({ cache: { ttl: 0 } }), TENANT, NO_DIRECTIVES)).toMatchObject({
        lookup: true,
        store: false,
      });
    });

    it('skips the lookup for Cache-Control: no-cache or "cache": {"no_cache": true}', () => {
      const cache = responseCache(store);
      const header = cache.plan(request(), TENANT, { noCache: true, noStore: false });
      const field = cache.plan(request({ cache: { no_cache: true } }), TENANT, NO_DIRECTIVES);
      for (const plan of [header, field])
        expect(plan).toMatchObject({ lookup: false, store: true });
    });

    it('skips the store for Cache-Control: no-store or "cache": {"no_store": true}', () => {
      const cache = responseCache(store);
      const header = cache.plan(request(), TENANT, { noCache: false, noStore: true });
      const field = cache.plan(request({ cache: { no_store: true } }), TENANT, NO_DIRECTIVES);
      for (const plan of [header, field])
        expect(plan).toMatchObject({ lookup: true, store: false });
    });

    it('has no plan when the request neither reads nor writes the cache', () => {
      const cache = responseCache(store);
      expect(cache.plan(request(), TENANT, { noCache: true, noStore: true })).toBeUndefined();
    });
  });

  describe('lookup and store', () => {
    it('answers a repeated request from the cache without calling the provider again', async () => {
      const cache = responseCache(store);
      provider.answer('Paris.');
      const first = await send(cache, provider, request());
      const second = await send(cache, provider, request({ stream: true, user: 'someone-else' }));
      expect([first.source, second.source]).toEqual(['provider', 'cache']);
      expect(textOf(second)).toBe('Paris.');
      expect(provider.calls).toHaveLength(1);
    });

    it('stores the answer under the tenant’s key with the plan’s TTL', async () => {
      const cache = responseCache(store);
      await send(cache, provider, request({ cache: { ttl: 42 } }));
      expect(store.sets).toEqual([{ key: cacheKeyFor(request(), TENANT), ttlSeconds: 42 }]);
    });

    it('never serves one tenant’s answer to another', async () => {
      const cache = responseCache(store);
      provider.answer('for acme', 'for globex');
      await send(cache, provider, request(), 'ten_acme');
      const globex = await withoutWaiting(send(cache, provider, request(), 'ten_globex'));
      expect(globex.source).toBe('provider');
      expect(textOf(globex)).toBe('for globex');
      expect(provider.calls).toHaveLength(2);
    });

    it('with no-cache, calls the provider and stores the fresh answer for later requests', async () => {
      const cache = responseCache(store);
      provider.answer('old', 'fresh');
      await send(cache, provider, request());
      const refreshed = await send(cache, provider, request(), TENANT, {
        noCache: true,
        noStore: false,
      });
      const later = await send(cache, provider, request());
      expect(refreshed.source).toBe('provider');
      expect([later.source, textOf(later)]).toEqual(['cache', 'fresh']);
    });

    it('with no-store, answers from the provider and keeps nothing', async () => {
      const cache = responseCache(store);
      await send(cache, provider, request({ cache: { no_store: true } }));
      const next = await send(cache, provider, request());
      expect(next.source).toBe('provider');
      expect(store.sets).toHaveLength(1); // only the second request's answer
      expect(provider.calls).toHaveLength(2);
    });

    it('does not store a cached answer again when it is handed on', async () => {
      const cache = responseCache(store);
      await send(cache, provider, request());
      await send(cache, provider, request());
      await send(cache, provider, request());
      expect(store.sets).toHaveLength(1);
    });

    it('never caches a failed call', async () => {
      const cache = responseCache(store);
      provider.fail(new ProviderError('upstream 500', { kind: 'http', status: 500 }));
      await expect(send(cache, provider, request())).rejects.toThrow('upstream 500');
      expect(store.sets).toHaveLength(0);
      expect((await send(cache, provider, request())).source).toBe('provider');
    });

    it('treats a cache outage as a miss: the request is answered, nothing fails', async () => {
      const cache = responseCache(store);
      store.down = true;
      const result = await send(cache, provider, request());
      expect(result.source).toBe('provider');
      expect(textOf(result)).toBe('openai answers gpt-4o-mini');
      expect(store.sets).toHaveLength(1); // tried, failed, logged: not the client's problem
    });
  });

  describe('coalescing identical requests in flight', () => {
    it('a follower waits for the leader and gets its answer; the provider is called once', async () => {
      const cache = responseCache(store);
      const held = provider.hold();
      const leader = send(cache, provider, request());
      await held.started;
      const follower = send(cache, provider, request({ stream: true }));
      held.answer('Paris, shared.');
      const results = await Promise.all([leader, follower]);
      expect(results.map((result) => result.source)).toEqual(['provider', 'in-flight']);
      expect(results.map(textOf)).toEqual(['Paris, shared.', 'Paris, shared.']);
      expect(provider.calls).toHaveLength(1);
      expect(store.sets).toHaveLength(1);
    });

    it('registers the leader before any await, so a request right behind it waits', async () => {
      const cache = responseCache(store);
      const results = await Promise.all([
        send(cache, provider, request()),
        send(cache, provider, request()),
      ]);
      expect(results.map((result) => result.source)).toEqual(['provider', 'in-flight']);
      expect(provider.calls).toHaveLength(1);
    });

    it('when the leader fails, the follower calls the provider itself', async () => {
      const cache = responseCache(store);
      const held = provider.hold();
      const leader = send(cache, provider, request());
      await held.started;
      const follower = send(cache, provider, request());
      held.fail(new ProviderError('overloaded', { kind: 'http', status: 529 }));
      await expect(leader).rejects.toThrow('overloaded');
      const own = await follower;
      expect(own.source).toBe('provider');
      expect(textOf(own)).toBe('openai answers gpt-4o-mini');
      expect(provider.calls).toHaveLength(2);
    });

    it('does not make requests of another tenant wait', async () => {
      const cache = responseCache(store);
      const held = provider.hold();
      const acme = send(cache, provider, request(), 'ten_acme');
      await held.started;
      const globex = await withoutWaiting(send(cache, provider, request(), 'ten_globex'));
      expect(globex.source).toBe('provider');
      held.answer('for acme');
      await acme;
    });

    it('does not coalesce no-store requests: their answer is not meant to be shared', async () => {
      const cache = responseCache(store);
      const held = provider.hold();
      const first = send(cache, provider, request(), TENANT, { noCache: false, noStore: true });
      await held.started;
      const second = await withoutWaiting(send(cache, provider, request()));
      expect(second.source).toBe('provider');
      held.answer('private');
      expect((await first).source).toBe('provider');
      expect(provider.calls).toHaveLength(2);
    });

    it('a no-cache request does not wait for an identical one in flight', async () => {
      const cache = responseCache(store);
      const held = provider.hold();
      const first = send(cache, provider, request());
      await held.started;
      const fresh = await withoutWaiting(
        send(cache, provider, request(), TENANT, { noCache: true, noStore: false }),
      );
      expect(fresh.source).toBe('provider');
      held.answer('first');
      await first;
      expect(provider.calls).toHaveLength(2);
    });
  });
});
