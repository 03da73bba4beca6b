import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface StaticFileOptions {
  root: string;
  /** Seconds, or 0 with `no-cache`. */
  maxAgeSeconds: number;
  immutable?: boolean;
}

/**
 * Sends one file below `root` with @fastify/send (the engine inside @fastify/static: MIME types,
 * ETag and Last-Modified, conditional and range requests, no path escaping the root). The plugin
 * itself is not used because its ESM-only `content-disposition` dependency cannot be loaded by
 * Jest on Node 20, where the e2e tests boot the gateway in-process.
 * Answers false when there is no such file (the caller decides what a miss means).
 */
export async function sendStaticFile(
  request: FastifyRequest,
  reply: FastifyReply,
  relativePath: string,
  options: StaticFileOptions,
): Promise<boolean> {
  const result = await send(request.raw, relativePath, {
    root: options.root,
    index: false,
    dotfiles: 'deny',
    maxAge: options.maxAgeSeconds * 1000,
    immutable: options.immutable ?? false,
  });
  if (result.type !== 'file') {
    result.stream.destroy();
    return false;
  }
  reply.status(result.statusCode).headers(result.headers);
  if (options.maxAgeSeconds === 0) reply.header('cache-control', 'no-cache');
  await reply.send(result.stream);
  return true;
}
