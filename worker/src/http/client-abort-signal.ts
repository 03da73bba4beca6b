import type { FastifyReply } from 'fastify';

/** Aborted when the client disconnects before its response is complete (stops embedding, generation). */
export function abortedWhenClientLeaves(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
