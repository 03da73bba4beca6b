import type { FastifyReply } from 'fastify';
import type { ApiDialect } from '../../request/api-kind';
import type { RequestContext } from '../../request/request-context';

/**
 * A client API endpoint that Fastify serves directly, outside Nest's per-request pipeline (see
 * `ClientRouteRegistry`). For the data plane's hot endpoints only: the rest stay Nest controllers.
 */
export interface ClientRoute {
  readonly method: 'POST';
  /** The full path, e.g. `/v1/chat/completions`. */
  readonly url: string;
  /** The API the route speaks (its error shape, the `api` label); OpenAI's by default. */
  readonly dialect?: ApiDialect;
  /**
   * Answers the request: resolves with the JSON body to send (status 200), or with undefined
   * once it has written the answer itself (a stream). A throw becomes the dialect's error.
   */
  handle(body: unknown, context: RequestContext, reply: FastifyReply): Promise<unknown>;
}

/** Injection token: the `ClientRoute`s the registry mounts. */
export const CLIENT_ROUTES = Symbol('CLIENT_ROUTES');
