import { createHash } from 'node:crypto';
import { redisFailFastOptions } from '@app/config';
import { GatewayError } from '@app/contracts';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * ioredis, loaded on first use: only the Redis topology connects, and the embedded default need
 * not evaluate its ~0.3 MB of source (with `@ioredis/commands`) at every boot: the heap it holds
 * counts towards RSS under load, which issue #16 bounds. Kept once loaded: `isRedisOutage` runs on
 * every failed call during an outage, and `require` resolves its name again each time.
 */
let ioredisModule: typeof import('ioredis') | undefined;
function ioredis(): typeof import('ioredis') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (above)
  return (ioredisModule ??= require('ioredis') as typeof import('ioredis'));
}

/**
 * Connects before the app starts serving so a wrong REDIS_URL fails at boot, not on the first
 * request. Auto-pipelining (REDIS_AUTO_PIPELINING) batches the commands issued in one event-loop
 * turn into one write; it is off by default because the pipeline ioredis makes for each batch
 * outlives V8's young generation (at 200 req/s in the Redis topology a full GC came every ~24 s
 * with it, cache off, against one a minute without; `bench:overhead` measured ~7% more CPU per
 * request at saturation without it).
 */
export async function connectRedis(
  url: string,
  logger: Logger,
  options: { commandTimeoutMs: number; autoPipelining: boolean },
): Promise<Redis> {
  const { commandTimeoutMs, autoPipelining } = options;
  const client = new (ioredis().Redis)(url, {
    lazyConnect: true,
    enableAutoPipelining: autoPipelining,
    maxRetriesPerRequest: 0,
    ...redisFailFastOptions(commandTimeoutMs),
  });
  // Without a listener ioredis prints every reconnect error; readiness reports the outage instead.
  let reported = false;
  client.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    logger.warn({ err: { message: error.message } }, 'redis connection error');
  });
  client.on('ready', () => {
    if (reported) logger.info('redis connection restored');
    reported = false;
  });
  await client.connect();
  return client;
}

/** What ioredis says when it cannot reach Redis (its errors are plain `Error`s with these texts). */
const OUTAGE_MESSAGE =
  /Command timed out|Stream isn't writeable|Connection is closed|Socket timeout|max retries per request/i;
const OUTAGE_CODE = /^(ECONN|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)/;

/**
 * True when `error` says Redis could not be reached in time (timeout, refused, not ready), as
 * opposed to Redis answering with an error of its own (a `ReplyError`: a bug, not an outage).
 */
export function isRedisOutage(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof ioredis().ReplyError) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return OUTAGE_MESSAGE.test(error.message) || (typeof code === 'string' && OUTAGE_CODE.test(code));
}

/** What a request that cannot do without Redis answers while it is unreachable: 503, never 500. */
export function redisUnavailable(what: string): GatewayError {
  return new GatewayError(
    503,
    `${what} is unavailable right now (its store does not answer); retry shortly`,
    'service_unavailable',
    'store_unavailable',
  );
}

/** True for the 503 a store answers while it is unreachable (see `redisUnavailable`). */
export function isStoreUnavailable(error: unknown): boolean {
  return error instanceof GatewayError && error.code === 'store_unavailable';
}

/** Runs a Redis call; an outage becomes a 503 `store_unavailable` naming `what`. */
export async function orUnavailable<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isRedisOutage(error) ? redisUnavailable(what) : error;
  }
}

/** A Lua script run by SHA (EVALSHA), loaded on first use or after a Redis restart (NOSCRIPT). */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error as Error).message?.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/** Deletes every key under a prefix with SCAN + UNLINK (never KEYS, which blocks Redis). */
export async function deleteByPrefix(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await client.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}
