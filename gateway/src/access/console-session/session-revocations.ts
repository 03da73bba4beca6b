import type { Redis } from 'ioredis';

/**
 * Sessions ended by sign-out before they expire. A signed token stays valid until its expiry, so
 * sign-out records its id here until then. With REDIS_URL the list is shared by every replica.
 */
export interface SessionRevocations {
  revoke(sessionId: string, expiresAt: number): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
}

export class MemorySessionRevocations implements SessionRevocations {
  private readonly revoked = new Map<string, number>();

  async revoke(sessionId: string, expiresAt: number): Promise<void> {
    const now = Date.now();
    for (const [id, expiry] of this.revoked) if (expiry <= now) this.revoked.delete(id);
    this.revoked.set(sessionId, expiresAt);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    const expiry = this.revoked.get(sessionId);
    return expiry !== undefined && expiry > Date.now();
  }
}

export class RedisSessionRevocations implements SessionRevocations {
  constructor(
    private readonly client: Redis,
    private readonly keyPrefix: string,
  ) {}

  async revoke(sessionId: string, expiresAt: number): Promise<void> {
    const ttlMs = Math.max(1, expiresAt - Date.now());
    await this.client.set(this.key(sessionId), '1', 'PX', ttlMs);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.client.exists(this.key(sessionId))) === 1;
  }

  private key(sessionId: string): string {
    return `${this.keyPrefix}console:revoked:${sessionId}`;
  }
}
