import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { GatewayError } from '@app/contracts';
import { ConsoleSessions } from '../console/session/console-sessions';

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.toLowerCase().startsWith('bearer '))
    return header.slice(7).trim();
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey : undefined;
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * `/admin/*` needs `Authorization: Bearer $ADMIN_API_KEY` once ADMIN_API_KEY is set, or the
 * browser console's session cookie (with its CSRF header).
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(ConsoleSessions) private readonly consoleSessions?: ConsoleSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const adminKey = this.config.controls.adminApiKey;
    if (!adminKey) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request);
    if (!token && (await this.consoleSessions?.isSignedIn(request))) return true;
    if (!token)
      throw new GatewayError(
        401,
        'Missing admin API key',
        'authentication_error',
        'missing_api_key',
      );
    if (!safeEqual(token, adminKey))
      throw new GatewayError(
        401,
        'Invalid admin API key',
        'authentication_error',
        'invalid_api_key',
      );
    return true;
  }
}
