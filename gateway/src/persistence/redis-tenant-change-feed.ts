import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LocalTenantChangeFeed } from './tenant-change-feed';

/**
 * Redis pub/sub between replicas that share Redis but not PostgreSQL (SQLite on a shared volume).
 * The subscriber is its own connection (a subscribed ioredis client can do nothing else); after
 * it reconnects, messages sent meanwhile are lost, so listeners are told to drop everything.
 */
export class RedisTenantChangeFeed extends LocalTenantChangeFeed {
  private readonly subscriber: Redis;
  private live = false;
  private everConnected = false;

  constructor(
    private readonly publisher: Redis,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {
    super();
    this.subscriber = publisher.duplicate({ lazyConnect: true, enableAutoPipelining: false });
    this.subscriber.on('error', (error: Error) =>
      logger.warn({ err: { message: error.message } }, 'tenant change feed: redis error'),
    );
    this.subscriber.on('message', (_channel: string, tenantId: string) =>
      this.deliver({ tenantId }),
    );
    this.subscriber.on('close', () => (this.live = false));
    this.subscriber.on('ready', () => this.onReady());
  }

  async start(): Promise<void> {
    await this.subscriber.connect();
    await this.subscriber.subscribe(this.channel);
    this.live = true;
  }

  override async publish(tenantId: string): Promise<void> {
    await super.publish(tenantId);
    try {
      await this.publisher.publish(this.channel, tenantId);
    } catch (error) {
      // The change is committed; other replicas pick it up when their cache entries expire.
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
    await super.close();
    this.subscriber.disconnect();
  }

  private onReady(): void {
    // ioredis re-subscribes by itself on reconnect; anything published meanwhile was missed.
    if (this.everConnected) this.deliver({ everything: true });
    this.everConnected = true;
    this.live = true;
  }
}
