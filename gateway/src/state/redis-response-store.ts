import type { ResponseOutputItem } from '@app/contracts';
import type { Redis } from 'ioredis';
import type { ResponseStore, StoredResponse } from './response-store';
import { orUnavailable, RedisScript } from './redis-connection';

/**
 * Stores a response and its item index, records it in the LRU index (a sorted set scored by Redis'
 * clock, member `<scope>\n<id>`), and past `max` responses unlinks the least recently used ones
 * with their items (read from the evicted response itself). One script: atomic across replicas.
 * KEYS: response key, LRU index. ARGV: JSON, TTL, max, member, id, responses prefix, items
 * prefix, then the item keys.
 */
const PUT = new RedisScript(`
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
for index = 8, #ARGV do redis.call('SET', ARGV[index], ARGV[5], 'EX', ARGV[2]) end
local time = redis.call('TIME')
redis.call('ZADD', KEYS[2], time[1] * 1000 + math.floor(time[2] / 1000), ARGV[4])
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if excess > 0 then
  local evicted = redis.call('ZPOPMIN', KEYS[2], excess)
  for index = 1, #evicted, 2 do
    local member = evicted[index]
    local split = member:find('\\n', 1, true)
    local scope, id = member:sub(1, split - 1), member:sub(split + 1)
    local key = ARGV[6] .. scope .. ':' .. id
    local raw = redis.call('GET', key)
    if raw then
      local ok, stored = pcall(cjson.decode, raw)
      if ok and type(stored.response) == 'table' and type(stored.response.output) == 'table' then
        for _, item in ipairs(stored.response.output) do
          if type(item.id) == 'string' then redis.call('UNLINK', ARGV[7] .. scope .. ':' .. item.id) end
        end
      end
      redis.call('UNLINK', key)
    end
  end
end
`);

/** Reads a response and, when it is there, marks it recently used. */
const GET = new RedisScript(`
local value = redis.call('GET', KEYS[1])
if value then
  local time = redis.call('TIME')
  redis.call('ZADD', KEYS[2], 'XX', time[1] * 1000 + math.floor(time[2] / 1000), ARGV[1])
end
return value
`);

/**
 * Responses as JSON under `<prefix>responses:<scope>:<id>`, each output item indexed under
 * `<prefix>response-items:<scope>:<item id>` (the owning response's id), all with Redis' own
 * expiry, so every replica continues every conversation; at most `maxStored` across every
 * replica (RESPONSES_MAX_STORED; the least recently used go first, with their items), so the
 * store cannot grow with the traffic for a whole TTL. Expired responses leave their index member
 * behind; as the least recently used, they are the first evicted. An outage is a 503
 * `store_unavailable`, never a 500. Not Redis Cluster safe (the scripts touch keys of many slots).
 */
export class RedisResponseStore implements ResponseStore {
  private readonly responses: string;
  private readonly items: string;
  private readonly index: string;

  constructor(
    private readonly client: Redis,
    keyPrefix: string,
    private readonly maxStored: number,
  ) {
    this.responses = `${keyPrefix}responses:`;
    this.items = `${keyPrefix}response-items:`;
    this.index = `${keyPrefix}responses-lru`;
  }

  get(scope: string, id: string): Promise<StoredResponse | undefined> {
    return orUnavailable('Stored responses', async () => {
      const keys = [this.responseKey(scope, id), this.index];
      const raw = (await GET.run(this.client, keys, [memberOf(scope, id)])) as string | null;
      return raw === null ? undefined : (JSON.parse(raw) as StoredResponse);
    });
  }

  put(scope: string, stored: StoredResponse, ttlSeconds: number): Promise<void> {
    return orUnavailable('Stored responses', async () => {
      const { id, output } = stored.response;
      await PUT.run(
        this.client,
        [this.responseKey(scope, id), this.index],
        [
          JSON.stringify(stored),
          ttlSeconds,
          this.maxStored,
          memberOf(scope, id),
          id,
          this.responses,
          this.items,
          ...output.map((item) => this.itemKey(scope, item.id)),
        ],
      );
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
      const [[, removed]] = (await this.client
        .multi()
        .unlink(this.responseKey(scope, id), ...keys)
        .zrem(this.index, memberOf(scope, id))
        .exec()) as [[Error | null, number]];
      return removed > 0;
    });
  }

  private responseKey(scope: string, id: string): string {
    return `${this.responses}${scope}:${id}`;
  }

  private itemKey(scope: string, id: string): string {
    return `${this.items}${scope}:${id}`;
  }
}

/** The LRU index member of a response: neither a tenant id nor a response id holds a newline. */
const memberOf = (scope: string, id: string) => `${scope}\n${id}`;
