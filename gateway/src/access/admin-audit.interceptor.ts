import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { tap, type Observable } from 'rxjs';
import { toErrorResponse } from '@app/http';
import { LOGGER } from '../logging/logger';

/** One `audit` log line per admin action (every non-GET under /admin), with its outcome. */
@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.method === 'GET' || !request.url.startsWith('/admin')) return next.handle();
    const action = `${request.method} ${request.routeOptions.url ?? request.url}`;
    const entry = { audit: true, action, params: request.params, body: request.body ?? undefined };
    return next.handle().pipe(
      tap({
        next: () => this.logger.info({ ...entry, outcome: 'ok' }, 'admin action'),
        error: (error: unknown) =>
          this.logger.warn(
            { ...entry, outcome: 'error', status: toErrorResponse(error).status },
            'admin action',
          ),
      }),
    );
  }
}
