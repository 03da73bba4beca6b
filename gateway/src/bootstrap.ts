import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import type { Logger } from 'pino';
import { httpEdgeServerOptions, installHttpEdge, OpenAIExceptionFilter } from '@app/http';
import { AppModule } from './app.module';
import { RequestLogService } from './observability/request-log.service';
import { installRequestContext } from './request/request-scope';
import { TRACING, type Tracing } from '@app/tracing';
import { finishRequestSpan } from './observability/request-span';

/**
 * Builds the gateway application (not yet listening). Used by `main.ts` and by e2e tests, which
 * boot the real app in-process against fake upstreams.
 */
export async function createGatewayApp(
  config: AppConfig,
  logger: Logger,
): Promise<NestFastifyApplication> {
  const edge = { maxBodyBytes: config.server.maxBodyBytes };
  const adapter = new FastifyAdapter({
    ...httpEdgeServerOptions(edge),
    logger: false,
    return503OnClosing: false,
    // On shutdown, idle keep-alive sockets must not hold app.close() for the keep-alive timeout.
    forceCloseConnections: 'idle',
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config, logger),
    adapter,
    {
      logger: ['error', 'warn'],
      bufferLogs: false,
      // Fastify's own JSON parser stays, wrapped by installHttpEdge (nesting guard).
      bodyParser: false,
    },
  );
  app.useGlobalFilters(new OpenAIExceptionFilter(logger));
  installHttpEdge(app.getHttpAdapter().getInstance(), edge);
  // Before app.init() registers the routes: every request gets its context, every client
  // request its log line.
  const requestLog = app.get(RequestLogService);
  installRequestContext(
    app.getHttpAdapter().getInstance(),
    app.get<Tracing>(TRACING),
    (context, status, path) => {
      requestLog.finish(context, status, path);
      finishRequestSpan(context, status);
    },
  );
  return app;
}
