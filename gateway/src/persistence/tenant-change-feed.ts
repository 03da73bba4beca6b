/**
 * Tells every gateway replica that a tenant or one of its keys changed (created, updated,
 * disabled, revoked, deleted), so that caches of key lookups drop what they hold for it.
 * `everything` means "messages may have been missed" (a reconnect): drop it all.
 */
export type TenantChange = { tenantId: string } | { everything: true };

export type TenantChangeListener = (change: TenantChange) => void;

export interface TenantChangeFeed {
  /** Delivers to this replica's listeners at once, then to the other replicas. */
  publish(tenantId: string): Promise<void>;
  subscribe(listener: TenantChangeListener): () => void;
  /** False while the link to the other replicas is down: caches should then trust less. */
  isLive(): boolean;
  close(): Promise<void>;
}

/** One process, nobody else to tell: the embedded topology. */
export class LocalTenantChangeFeed implements TenantChangeFeed {
  private readonly listeners = new Set<TenantChangeListener>();

  async publish(tenantId: string): Promise<void> {
    this.deliver({ tenantId });
  }

  subscribe(listener: TenantChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isLive(): boolean {
    return true;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  protected deliver(change: TenantChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
