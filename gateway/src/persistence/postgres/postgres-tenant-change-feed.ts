import { Client, type Pool } from 'pg';
import type { Logger } from 'pino';
import { LocalTenantChangeFeed } from '../tenant-change-feed';

export const TENANT_CHANGES_CHANNEL = 'gateway_tenant_changes';

/**
 * LISTEN/NOTIFY between replicas sharing PostgreSQL: the change travels with the database that
 * holds it, so revocation keeps propagating when Redis is down. The listener is a dedicated
 * connection (outside the pool) that reconnects with backoff; after a reconnect, listeners are
 * told to drop everything, since notifications sent meanwhile are gone.
 */
export class PostgresTenantChangeFeed extends LocalTenantChangeFeed {
  private listener: Client | undefined;
  private live = false;
  private closed = false;
  private reconnectDelayMs = 100;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly url: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  async start(): Promise<void> {
    await this.connect();
  }

  override async publish(tenantId: string): Promise<void> {
    await super.publish(tenantId);
    try {
      await this.pool.query('SELECT pg_notify($1, $2)', [TENANT_CHANGES_CHANNEL, tenantId]);
    } catch (error) {
      this.logger.warn(
        { err: { message: (error as Error).message }, tenantId },
        'tenant change not broadcast; other replicas see it after API_KEY_CACHE_TTL_MS',
      );
    }
  }

  override isLive(): boolean {
    return this.live;
  }

  override async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    await super.close();
    await this.listener?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.url,
      application_name: 'ai-gateway-listen',
    });
    client.on('notification', (message) => {
      if (message.channel === TENANT_CHANGES_CHANNEL && message.payload)
        this.deliver({ tenantId: message.payload });
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${TENANT_CHANGES_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    const reconnected = this.listener !== undefined;
    this.listener = client;
    this.live = true;
    this.reconnectDelayMs = 100;
    if (reconnected) this.deliver({ everything: true });
  }

  private lost(client: Client, error?: Error): void {
    if (client !== this.listener || this.closed || !this.live) return;
    this.live = false;
    this.logger.warn(
      { err: error && { message: error.message } },
      'tenant change feed: postgres listener lost; reconnecting',
    );
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch((error: unknown) => {
        this.logger.debug(
          { err: { message: (error as Error).message } },
          'listener reconnect failed',
        );
        this.reconnectDelayMs = Math.min(5000, this.reconnectDelayMs * 2);
        this.scheduleReconnect();
      });
    }, this.reconnectDelayMs);
    this.reconnectTimer.unref();
  }
}
