import { hash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';

export const API_KEY_PREFIX = 'gw-sk-';

export interface IssuedSecret {
  /** Shown to the caller once; never stored. */
  secret: string;
  hash: string;
  preview: string;
}

/** sha256 is enough for 192-bit random secrets: no dictionary to defend against, unlike passwords. */
export function hashApiKey(secret: string): string {
  return hash('sha256', secret);
}

/**
 * Every client request hashes its key; the same few keys come back all the time, so their hashes
 * are remembered (a pure function: revoking a key still takes effect on the next lookup).
 */
const recentHashes = new LRUCache<string, string>({ max: 10_000 });

export function cachedApiKeyHash(secret: string): string {
  let hash = recentHashes.get(secret);
  if (hash === undefined) {
    hash = hashApiKey(secret);
    recentHashes.set(secret, hash);
  }
  return hash;
}

export function generateApiKey(): IssuedSecret {
  const secret = `${API_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
  return {
    secret,
    hash: hashApiKey(secret),
    preview: `${secret.slice(0, API_KEY_PREFIX.length + 4)}…`,
  };
}

export function newId(kind: 'ten' | 'key'): string {
  return `${kind}_${randomBytes(9).toString('base64url')}`;
}
