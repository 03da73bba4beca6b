import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { REQUEST_LIMITS } from '@app/contracts';
import { answerClientError } from './client-error-response';
import { inFlightRequestsOf, shuttingDownError } from './in-flight-requests';
import { installJsonBodyParser } from './json-body-parser';
import { sendError } from './openai-exception.filter';
import { oversizeBodyHook } from './oversize-body';

export interface HttpEdgeOptions {
  /** MAX_BODY_BYTES: larger bodies get a 413. */
  maxBodyBytes: number;
}

/**
 * Options for the Fastify instance of the gateway and the worker: what the framework and Node
 * reject before any route runs (a bad URL, a path parameter past the router's limit, a request
 * Node cannot parse) is answered in OpenAI's error shape like everything else.
 */
export function httpEdgeServerOptions(options: HttpEdgeOptions) {
  return {
    bodyLimit: options.maxBodyBytes,
    // Path parameters carry model names and ids: as long as a model name may be.
    routerOptions: { maxParamLength: REQUEST_LIMITS.maxModelNameLength },
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) =>
      sendError(reply, error),
    clientErrorHandler: answerClientError,
  };
}

/**
 * Installs the shared request edge on a Fastify instance before it listens: the JSON parser with
 * the nesting guard, 413s that clients can read, and the count of in-flight requests a graceful
 * shutdown waits for (requests arriving once it began get a 503 and `Connection: close`).
 */
export function installHttpEdge(instance: FastifyInstance, options: HttpEdgeOptions): void {
  installJsonBodyParser(instance);
  const inFlight = inFlightRequestsOf(instance);
  instance.addHook('onRequest', (_request, reply, done) => {
    if (inFlight.stopping) return done(shuttingDownError());
    inFlight.started(reply.raw);
    done();
  });
  instance.addHook('preParsing', oversizeBodyHook(options.maxBodyBytes));
}
