import type { Redis } from 'ioredis';
import { orUnavailable, RedisScript } from './redis-connection';
import type { TokenCounterStore } from './token-counter-store';

/** A counter outlives its minute by one more, long enough for the admin view of "this minute". */
const COUNTER_TTL_SECONDS = 120;

/**
 * INCRBY and EXPIRE in one script: one command per answered request where MULTI, INCRBY, EXPIRE
 * and EXEC were four (each a command object, a promise and a reply for ioredis to parse).
 */
const ADD = new RedisScript(`
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return total
`);

/**
 * One INCRBY + EXPIRE per answered request (atomic, shared by every replica). While Redis is
 * unreachable every call is a 503 `store_unavailable` (the quota check fails open or closed by
 * RATE_LIMIT_FAIL_MODE; the usage recorder logs and goes on).
 */
export class RedisTokenCounterStore implements TokenCounterStore {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {}

  async add(subject: string, minute: number, tokens: number): Promise<number> {
    const key = this.key(subject, minute);
    const total = await orUnavailable('Token counting', () =>
      ADD.run(this.client, [key], [tokens, COUNTER_TTL_SECONDS]),
    );
    return Number(total);
  }

  async read(subject: string, minute: number): Promise<number> {
    const value = await orUnavailable('Token limits', () =>
      this.client.get(this.key(subject, minute)),
    );
    return Number(value ?? 0);
  }

  async reset(subject: string, minute: number): Promise<void> {
    await orUnavailable('Token limits', () => this.client.del(this.key(subject, minute)));
  }

  private key(subject: string, minute: number): string {
    return `${this.prefix}tpm:${subject}:${minute}`;
  }
}
