import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { DOCS_CSP, securityHeadersHook } from '../console/static/security-headers';
import { sendStaticFile } from '../console/static/static-files';

// swagger-ui-dist ships the built viewer. Its main entry also evaluates the 1.5 MB browser
// bundle (~10 MB of heap for nothing): only its absolute-path.js, which tells where the files are.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const swaggerUiDirectory: string = require('swagger-ui-dist/absolute-path.js')();

const SWAGGER_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js']);

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AI Gateway API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

// No validator badge (it would call validator.swagger.io) and no external anything: offline.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
});
`;

/**
 * `/docs`: the API reference rendered by Swagger UI from `/openapi.json`, every file served by the
 * gateway (swagger-ui-dist from node_modules), in a scope of its own for its CSP.
 */
@Injectable()
export class DocsRoutes implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Not awaited: awaiting would load Fastify's plugin queue now, building every route before
    // Nest installs its error handler (body-parse errors would then skip the OpenAI error shape).
    // The scope loads with the others when the server starts.
    void fastify.register(async (scope) => {
      scope.addHook('onRequest', securityHeadersHook(DOCS_CSP));
      // Only the two files the page loads, from the installed swagger-ui-dist.
      scope.get('/docs/assets/:file', async (request, reply) => {
        const { file } = request.params as { file: string };
        const known = SWAGGER_FILES.has(file);
        const options = { root: swaggerUiDirectory, maxAgeSeconds: 3600 };
        if (!known || !(await sendStaticFile(request, reply, `/${file}`, options)))
          return reply.status(404).send({
            error: {
              message: 'Not found',
              type: 'not_found_error',
              param: null,
              code: 'not_found',
            },
          });
      });
      scope.get('/docs', (_request, reply) =>
        reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(PAGE),
      );
      scope.get('/docs/init.js', (_request, reply) =>
        reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(INIT),
      );
    });
  }
}
