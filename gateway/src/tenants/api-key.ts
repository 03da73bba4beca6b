import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'gw-sk-';

export interface IssuedSecret {
  /** Shown to the caller once; never stored. */
  secret: string;
  hash: string;
  preview: string;
}

/** sha256 is enough for 192-bit random secrets: no dictionary to defend against, unlike passwords. */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
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
