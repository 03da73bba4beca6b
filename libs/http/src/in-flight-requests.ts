import type { ServerResponse } from 'node:http';
import { GatewayError } from '@app/contracts';
import type { FastifyInstance } from 'fastify';

/** The error in-flight requests end with when the grace period of a shutdown is over. */
export function shuttingDownError(): GatewayError {
  return new GatewayError(
    503,
    'The gateway is shutting down; retry the request',
    'service_unavailable',
    'server_shutting_down',
    null,
    {},
    { connection: 'close' },
  );
}

/** Upstream work a shutdown can end: an `AbortController` or an `AbortSource`. */
export interface Abortable {
  abort(reason?: unknown): void;
}

/**
 * The requests one app is serving, for a graceful shutdown: how many are still running, and the
 * abort sources of those that called upstream work, so that once the grace period is over they
 * end with a clear 503 (or a final SSE error event) instead of being cut off with the socket.
 */
export class InFlightRequests {
  private readonly controllers = new Set<Abortable>();
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private stopReason: GatewayError | undefined;
  /** True once a shutdown began: new requests are refused. */
  stopping = false;

  get count(): number {
    return this.running;
  }

  /** Counts a request until its response closes (sent, streamed or aborted). */
  started(response: ServerResponse): void {
    this.running += 1;
    response.once('close', () => {
      this.running -= 1;
      if (this.running === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  /**
   * Upstream work of one request, until `untrack` (called from the response's `close`). False
   * when the app already stopped: the work is then aborted at once.
   */
  track(controller: Abortable): boolean {
    if (this.stopReason) {
      controller.abort(this.stopReason);
      return false;
    }
    this.controllers.add(controller);
    return true;
  }

  untrack(controller: Abortable): void {
    this.controllers.delete(controller);
  }

  /** Resolves when no request is running, or after `timeoutMs` (false then). */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), Math.max(0, timeoutMs));
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Ends every request's upstream work with `reason` (their handlers answer it to the client). */
  abortAll(reason: GatewayError): void {
    this.stopReason = reason;
    for (const controller of this.controllers) controller.abort(reason);
    this.controllers.clear();
  }
}

const REGISTRY = Symbol('inFlightRequests');

/** The registry of one Fastify app (tests run several apps in one process). */
export function inFlightRequestsOf(instance: FastifyInstance): InFlightRequests {
  const holder = instance as unknown as { [REGISTRY]?: InFlightRequests };
  return (holder[REGISTRY] ??= new InFlightRequests());
}
