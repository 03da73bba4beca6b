import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { GatewayError } from '@app/contracts';
import { presentedKey, safeEqual } from '@app/http';

/**
 * The RAG API on the worker port indexes, searches and deletes any collection: once WORKER_API_KEY
 * is set (it must be, when WORKER_HOST is not loopback), every call needs it as a bearer token.
 * Health and metrics stay open for probes and Prometheus.
 */
@Injectable()
export class WorkerApiKeyGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.worker.apiKey;
    if (!expected) return true;
    const token = presentedKey(context.switchToHttp().getRequest<FastifyRequest>());
    if (!token)
      throw new GatewayError(
        401,
        'Missing API key: send Authorization: Bearer $WORKER_API_KEY',
        'authentication_error',
        'missing_api_key',
      );
    if (!safeEqual(token, expected))
      throw new GatewayError(401, 'Invalid API key', 'authentication_error', 'invalid_api_key');
    return true;
  }
}
