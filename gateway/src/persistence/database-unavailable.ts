import { GatewayError } from '@app/contracts';

/**
 * The database did not answer (down, unreachable, busy past its timeout, disk full): a 503 the
 * client may retry, never a 500. Anything else a driver throws is a bug and stays a 500.
 */
export class DatabaseUnavailableError extends GatewayError {
  constructor(readonly reason: string) {
    super(
      503,
      'The gateway database is unavailable; retry shortly',
      'service_unavailable',
      'database_unavailable',
    );
    this.name = 'DatabaseUnavailableError';
  }
}

const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** SQLSTATE classes and codes meaning "the server is not there right now". */
function isPostgresUnavailable(code: string): boolean {
  return (
    code.startsWith('08') || // connection exception
    code === '57P01' || // admin_shutdown
    code === '57P02' || // crash_shutdown
    code === '57P03' || // cannot_connect_now (starting up)
    code === '53300' || // too_many_connections
    code === '57014' // query_canceled (statement_timeout)
  );
}

const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY)/;

export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  // Duck-typed, not `instanceof Error`: errors from Node's own modules come from another realm
  // under Jest's VM contexts.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (CONNECTION_ERRNOS.has(code) || SQLITE_UNAVAILABLE.test(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && isPostgresUnavailable(code)) return true;
  }
  // node-postgres reports pool and socket failures by message only.
  return (
    typeof message === 'string' &&
    /timeout exceeded when trying to connect|Connection terminated|connection timeout|Client has encountered a connection error/i.test(
      message,
    )
  );
}

/** Runs a repository call, turning "the database is not there" into a 503. */
export async function whileAvailable<T>(operation: () => Promise<T> | T): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isDatabaseUnavailable(error) && !(error instanceof DatabaseUnavailableError))
      throw new DatabaseUnavailableError((error as Error).message);
    throw error;
  }
}

/**
 * The repository with every method run through `whileAvailable`: callers see a 503
 * `DatabaseUnavailableError` for an outage, whichever driver is behind it.
 */
export function reportingUnavailability<T extends object>(repository: T): T {
  const guarded = Object.create(repository) as Record<string, unknown>;
  for (
    let prototype: object | null = Object.getPrototypeOf(repository);
    prototype && prototype !== Object.prototype;
    prototype = Object.getPrototypeOf(prototype)
  ) {
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = Object.getOwnPropertyDescriptor(prototype, name)?.value as unknown;
      if (name === 'constructor' || typeof method !== 'function' || Object.hasOwn(guarded, name))
        continue;
      guarded[name] = (...args: unknown[]) =>
        whileAvailable(() => (method as (...a: unknown[]) => unknown).apply(repository, args));
    }
  }
  return guarded as T;
}
