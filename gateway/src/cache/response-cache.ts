import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  anthropicMessageOf,
  attachAnthropicMessage,
  type ChatCompletionRequest,
} from '@app/contracts';
import type { Logger } from 'pino';
import { LOGGER } from '../logging/logger';
import type { CacheStore } from '../state/cache-store';
import type { ClientCacheDirectives } from '../request/request-context';
import { CACHE_STORE } from '../topology/topology.tokens';
import { cacheKeyFor } from './cache-key';
import type { CachedCompletion } from './cached-completion';

export type SettleLead = (answer: CachedCompletion | undefined, fromCache?: boolean) => void;

export interface CachePlan {
  key: string;
  /** Look the answer up (and wait for an identical request in flight). */
  lookup: boolean;
  /** Store the answer for `ttlSeconds`. */
  store: boolean;
  ttlSeconds: number;
}

/**
 * The response cache (seed 002): exact match on the normalized request, per tenant. Answers are
 * cached whatever their temperature, as OpenAI-style gateways do: a client that wants a fresh
 * sample sends `Cache-Control: no-cache` or `"cache": {"no_cache": true}`. Errors are never
 * cached. Identical requests arriving while the first is in flight wait for its answer.
 */
@Injectable()
export class ResponseCache {
  private readonly inFlight = new Map<string, Promise<CachedCompletion | undefined>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CACHE_STORE) private readonly store: CacheStore<CachedCompletion>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Undefined when this request neither reads nor writes the cache. */
  plan(
    request: ChatCompletionRequest,
    scope: string,
    directives: ClientCacheDirectives | undefined,
  ): CachePlan | undefined {
    const { cacheEnabled, cacheTtlSeconds } = this.config.controls;
    if (!cacheEnabled) return undefined;
    const options = request.cache;
    const ttlSeconds = options?.ttl ?? cacheTtlSeconds;
    const lookup = !(directives?.noCache || options?.no_cache);
    const store = ttlSeconds > 0 && !(directives?.noStore || options?.no_store);
    if (!lookup && !store) return undefined;
    return { key: cacheKeyFor(request, scope), lookup, store, ttlSeconds };
  }

  /** A cache outage is a miss, never a failed request. */
  async lookup(plan: CachePlan): Promise<CachedCompletion | undefined> {
    try {
      return restored(await this.store.get(plan.key));
    } catch (error) {
      this.logger.warn({ err: { message: (error as Error).message } }, 'cache lookup failed');
      return undefined;
    }
  }

  /** The answer of an identical request already in flight; undefined (after waiting) if it failed. */
  inFlightAnswer(plan: CachePlan): Promise<CachedCompletion | undefined> | undefined {
    return this.inFlight.get(plan.key);
  }

  /**
   * Registers this request, synchronously (before any await, so a second identical request
   * cannot slip in), as the one identical requests wait for. Call the returned function exactly
   * once: with a fresh answer (handed to waiters and stored), a cached one (handed on, not
   * stored again) or undefined on failure (waiters then call the provider themselves).
   */
  lead(plan: CachePlan): SettleLead {
    let settle!: (answer: CachedCompletion | undefined) => void;
    const shared = new Promise<CachedCompletion | undefined>((resolve) => (settle = resolve));
    if (plan.store) this.inFlight.set(plan.key, shared);
    return (answer, fromCache = false) => {
      if (this.inFlight.get(plan.key) === shared) this.inFlight.delete(plan.key);
      settle(answer);
      if (answer && plan.store && !fromCache) this.save(plan, answer);
    };
  }

  clear(): Promise<number> {
    return this.store.clear();
  }

  size(): number | undefined {
    return this.store.size();
  }

  private save(plan: CachePlan, answer: CachedCompletion): void {
    this.store.set(plan.key, storable(answer), plan.ttlSeconds).catch((error: unknown) => {
      this.logger.warn({ err: { message: (error as Error).message } }, 'cache store failed');
    });
  }
}

/** The entry as a store keeps it: a native Anthropic message moves from its Symbol key to a field. */
function storable(answer: CachedCompletion): CachedCompletion {
  const message = anthropicMessageOf(answer.completion);
  return message ? { ...answer, anthropicMessage: message } : answer;
}

/** The entry as callers read it: the native message back on the completion. */
function restored(entry: CachedCompletion | undefined): CachedCompletion | undefined {
  if (!entry?.anthropicMessage) return entry;
  return {
    ...entry,
    completion: attachAnthropicMessage({ ...entry.completion }, entry.anthropicMessage),
  };
}
