import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { LOGGER } from '../../logging/logger';
import { consoleAssetsDirectory } from './console-assets';
import { CONSOLE_CSP, securityHeadersHook } from './security-headers';
import { sendStaticFile } from './static-files';

const notFound = {
  error: { message: 'Not found', type: 'not_found_error', param: null, code: 'not_found' },
};

/**
 * Serves the built console under /ui in a Fastify scope of its own, so its hooks (CSP and
 * hardening headers) run for console pages only and nothing is added to the /v1 request path.
 * `/ui/assets/*` are Vite's content-hashed files, cached for a year; any other path without a file
 * extension is a client-side route and gets index.html, never cached, so a new build takes effect
 * on reload.
 */
@Injectable()
export class ConsoleStaticRoutes implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    const root = consoleAssetsDirectory();
    const indexPath = join(root, 'index.html');
    const indexHtml = existsSync(indexPath) ? readFileSync(indexPath) : undefined;
    if (!indexHtml)
      this.logger.error({ path: root }, 'console assets not found: run `npm run build`');
    const sendIndex = (reply: FastifyReply) => {
      if (!indexHtml) {
        return reply.status(503).send({
          error: {
            message: 'The console is not built: run `npm run build`',
            type: 'service_unavailable',
            param: null,
            code: 'console_not_built',
          },
        });
      }
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(indexHtml);
    };
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Not awaited: awaiting would load Fastify's plugin queue now, building every route before
    // Nest installs its error handler (body-parse errors would then skip the OpenAI error shape).
    // The scope loads with the others when the server starts.
    void fastify.register(async (scope) => {
      scope.addHook('onRequest', securityHeadersHook(CONSOLE_CSP));
      scope.get('/ui', (_request, reply) => reply.redirect('/ui/'));
      scope.get('/ui/', (_request, reply) => sendIndex(reply));
      scope.get('/ui/assets/*', async (request, reply) => {
        const file = (request.params as { '*': string })['*'];
        const options = { root: join(root, 'assets'), maxAgeSeconds: 31_536_000, immutable: true };
        if (!(await sendStaticFile(request, reply, `/${file}`, options)))
          return reply.status(404).send(notFound);
      });
      scope.get('/ui/*', async (request, reply) => {
        const path = (request.params as { '*': string })['*'];
        if (!/\.[a-z0-9]+$/i.test(path)) return sendIndex(reply);
        // favicon and other top-level files of the build; a missing file is a 404, never the
        // app shell (a browser would try to run HTML as a script).
        if (!(await sendStaticFile(request, reply, `/${path}`, { root, maxAgeSeconds: 0 })))
          return reply.status(404).send(notFound);
      });
    });
  }
}
