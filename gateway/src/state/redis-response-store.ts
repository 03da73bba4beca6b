import type { ResponseOutputItem } from '@app/contracts';
import type { Redis } from 'ioredis';
import type { ResponseStore, StoredResponse } from './response-store';
import { orUnavailable } from './redis-connection';

/**
 * Responses as JSON under `<prefix>responses:<scope>:<id>`, each output item indexed under
 * `<prefix>response-items:<scope>:<item id>` (the owning response's id), all with Redis' own
 * expiry, so every replica continues every conversation. Written in one MULTI: a response and
 * its index appear together. An outage is a 503 `store_unavailable`, never a 500.
 */
export class RedisResponseStore implements ResponseStore {
  private readonly responses: string;
  private readonly items: string;

  constructor(
    private readonly client: Redis,
    keyPrefix: string,
  ) {
    this.responses = `${keyPrefix}responses:`;
    this.items = `${keyPrefix}response-items:`;
  }

  get(scope: string, id: string): Promise<StoredResponse | undefined> {
    return orUnavailable('Stored responses', async () => {
      const raw = await this.client.get(this.responseKey(scope, id));
      return raw === null ? undefined : (JSON.parse(raw) as StoredResponse);
    });
  }

  put(scope: string, stored: StoredResponse, ttlSeconds: number): Promise<void> {
    return orUnavailable('Stored responses', async () => {
      const { id, output } = stored.response;
      const transaction = this.client
        .multi()
        .set(this.responseKey(scope, id), JSON.stringify(stored), 'EX', ttlSeconds);
      for (const item of output)
        transaction.set(this.itemKey(scope, item.id), id, 'EX', ttlSeconds);
      await transaction.exec();
    });
  }

  getItem(scope: string, itemId: string): Promise<ResponseOutputItem | undefined> {
    return orUnavailable('Stored responses', async () => {
      const owner = await this.client.get(this.itemKey(scope, itemId));
      const stored = owner === null ? undefined : await this.get(scope, owner);
      return stored?.response.output.find((item) => item.id === itemId);
    });
  }

  delete(scope: string, id: string): Promise<boolean> {
    return orUnavailable('Stored responses', async () => {
      const stored = await this.get(scope, id);
      if (!stored) return false;
      const keys = stored.response.output.map((item) => this.itemKey(scope, item.id));
      return (await this.client.unlink(this.responseKey(scope, id), ...keys)) > 0;
    });
  }

  private responseKey(scope: string, id: string): string {
    return `${this.responses}${scope}:${id}`;
  }

  private itemKey(scope: string, id: string): string {
    return `${this.items}${scope}:${id}`;
  }
}
