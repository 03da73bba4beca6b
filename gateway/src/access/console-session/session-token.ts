import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { safeEqual } from '@app/http';

export interface SessionClaims {
  /** Random id of this sign-in; what sign-out revokes. */
  sessionId: string;
  /** Epoch ms after which the token is refused. */
  expiresAt: number;
}

/**
 * Console session tokens: `<expiresAt>.<sessionId>.<hmac>` under a key derived from ADMIN_API_KEY.
 * Signed rather than looked up so every gateway replica accepts a session another replica issued
 * without shared state; rotating ADMIN_API_KEY invalidates every session at once. The token never
 * contains the admin key, and the key cannot be recovered from it.
 */
export class SessionTokenCodec {
  private readonly key: Buffer;

  constructor(adminApiKey: string) {
    this.key = Buffer.from(
      hkdfSync('sha256', adminApiKey, 'ai-gateway-console', 'session-token-v1', 32),
    );
  }

  issue(ttlMs: number, now = Date.now()): { token: string; claims: SessionClaims } {
    const claims = { sessionId: randomBytes(16).toString('base64url'), expiresAt: now + ttlMs };
    const payload = `${claims.expiresAt}.${claims.sessionId}`;
    return { token: `${payload}.${this.sign(payload)}`, claims };
  }

  /** The claims of a well-formed, correctly signed, unexpired token; undefined otherwise. */
  verify(token: string, now = Date.now()): SessionClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [expires, sessionId, signature] = parts;
    if (!safeEqual(signature, this.sign(`${expires}.${sessionId}`))) return undefined;
    const expiresAt = Number(expires);
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= now) return undefined;
    return { sessionId, expiresAt };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
