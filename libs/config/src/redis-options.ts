/**
 * How a request-path Redis connection behaves when Redis does not (REDIS_COMMAND_TIMEOUT_MS): a
 * command waits at most `commandTimeoutMs`; a connection that hears nothing for that long after
 * a command is dropped and reconnected (a frozen or partitioned Redis); while it is not ready,
 * every command fails at once instead of waiting in an unbounded offline queue. An outage so
 * costs a request at most one command timeout, and each feature degrades by its own rule.
 * Shared by the gateway's stores and its local-tier dispatcher (ioredis options, typed loosely so
 * this library does not depend on ioredis).
 */
export function redisFailFastOptions(commandTimeoutMs: number) {
  return {
    commandTimeout: commandTimeoutMs,
    socketTimeout: commandTimeoutMs,
    connectTimeout: Math.max(commandTimeoutMs, 2_000),
    enableOfflineQueue: false,
    // A command sent to a frozen Redis may still run when it thaws: never send it twice.
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
  };
}

/**
 * Overrides for a connection that blocks on reads (XREAD/BRPOP with BLOCK): no command or socket
 * timeout (a read legitimately waits seconds); `blockingTimeout` ends a read whose socket went
 * silent, and commands may queue while it reconnects (they are reads that loop anyway).
 */
export const REDIS_BLOCKING_READ_OVERRIDES = {
  commandTimeout: undefined,
  socketTimeout: undefined,
  enableOfflineQueue: true,
  blockingTimeout: 30_000,
};
