import type { Redis } from 'ioredis';
import { duplicateForBlockingReads } from './local-queues';

/**
 * Connections for blocking reads (`XREAD BLOCK` holds a connection until data arrives), reused
 * across streamed requests so each request does not pay a new TCP connection.
 */
export class BlockingConnectionPool {
  private readonly idle: Redis[] = [];
  private readonly leased = new Set<Redis>();

  /** @param maxIdle connections kept open for reuse. @defaultValue 16 */
  constructor(
    private readonly source: Redis,
    private readonly maxIdle = 16,
  ) {}

  acquire(): Redis {
    const connection = this.idle.pop() ?? duplicateForBlockingReads(this.source);
    this.leased.add(connection);
    return connection;
  }

  /** Back to the pool: only for a connection with no command in flight. */
  release(connection: Redis): void {
    this.leased.delete(connection);
    if (this.idle.length < this.maxIdle && connection.status === 'ready')
      this.idle.push(connection);
    else connection.disconnect();
  }

  /** A read was abandoned mid-command (client went away): the reply would confuse the next user. */
  discard(connection: Redis): void {
    this.leased.delete(connection);
    connection.disconnect();
  }

  close(): void {
    for (const connection of [...this.idle, ...this.leased]) connection.disconnect();
    this.idle.length = 0;
    this.leased.clear();
  }
}
