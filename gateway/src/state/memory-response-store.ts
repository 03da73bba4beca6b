import type { ResponseOutputItem } from '@app/contracts';
import { LRUCache } from 'lru-cache';
import type { ResponseStore, StoredResponse } from './response-store';

/**
 * Responses in this process, each under its own TTL, at most `maxEntries` (the least recently
 * used go first, with their items). Values are kept as objects: callers treat them as read-only.
 */
export class MemoryResponseStore implements ResponseStore {
  private readonly responses: LRUCache<string, StoredResponse>;
  /** Item id → the response that holds it; an item lives exactly as long as its response. */
  private readonly owners = new Map<string, string>();

  constructor(maxEntries: number) {
    this.responses = new LRUCache<string, StoredResponse>({
      max: maxEntries,
      dispose: (stored, key) => {
        const scope = key.slice(0, key.indexOf(SEPARATOR));
        for (const item of stored.response.output) this.owners.delete(keyOf(scope, item.id));
      },
    });
  }

  async get(scope: string, id: string): Promise<StoredResponse | undefined> {
    return this.responses.get(keyOf(scope, id));
  }

  async put(scope: string, stored: StoredResponse, ttlSeconds: number): Promise<void> {
    this.responses.set(keyOf(scope, stored.response.id), stored, { ttl: ttlSeconds * 1000 });
    for (const item of stored.response.output)
      this.owners.set(keyOf(scope, item.id), stored.response.id);
  }

  async getItem(scope: string, itemId: string): Promise<ResponseOutputItem | undefined> {
    const owner = this.owners.get(keyOf(scope, itemId));
    // Reading the owner checks its TTL (an expired one is disposed, with its items).
    const stored = owner === undefined ? undefined : this.responses.get(keyOf(scope, owner));
    return stored?.response.output.find((item) => item.id === itemId);
  }

  async delete(scope: string, id: string): Promise<boolean> {
    return this.responses.delete(keyOf(scope, id));
  }
}

/** Never in a tenant id or a generated response id. */
const SEPARATOR = '\u0000';
const keyOf = (scope: string, id: string) => `${scope}${SEPARATOR}${id}`;
