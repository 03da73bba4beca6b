import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { inFlightRequestsOf, shuttingDownError } from '@app/http';
import type { Logger } from 'pino';

/** After the grace period, aborted requests get this long to write their final error. */
const ABORTED_FLUSH_MS = 300;
/** … and the app's shutdown hooks (queues, Redis, buffered usage) what is left of this. */
const HOOKS_BUDGET_MS = 800;

/**
 * Stops the gateway within `graceMs` plus a second, as an orchestrator's grace period expects:
 * stop accepting (new connections are refused, requests on open ones get a 503 with
 * `Connection: close`), let in-flight requests finish, and once the grace period is over end the
 * rest with a 503 / a final SSE error event; then close the app (queues, Redis) and return.
 * @returns true when the app closed in time (requests ended with a 503 still count as a clean
 *   shutdown); false when its shutdown hooks failed or had to be cut off
 */
export async function shutDownGracefully(
  app: NestFastifyApplication,
  graceMs: number,
  logger: Logger,
): Promise<boolean> {
  const hardDeadline = Date.now() + graceMs + HOOKS_BUDGET_MS;
  const inFlight = inFlightRequestsOf(app.getHttpAdapter().getInstance());
  const server = app.getHttpServer();
  inFlight.stopping = true;
  server.close();
  server.closeIdleConnections();
  if (!(await inFlight.idle(graceMs))) {
    logger.warn(
      { requests: inFlight.count, graceMs },
      'grace period over: ending in-flight requests with 503',
    );
    inFlight.abortAll(shuttingDownError());
    await inFlight.idle(ABORTED_FLUSH_MS);
    server.closeAllConnections();
  }
  let timer: NodeJS.Timeout | undefined;
  const hooksDone = await Promise.race([
    app.close().then(
      () => true,
      (error: unknown) => {
        logger.error({ err: { message: (error as Error)?.message } }, 'shutdown hook failed');
        return false;
      },
    ),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, hardDeadline - Date.now()));
    }),
  ]);
  clearTimeout(timer);
  if (!hooksDone) logger.warn('shutdown hooks did not finish in time');
  return hooksDone;
}
