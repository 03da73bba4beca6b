import { applyDecorators, Controller, UseInterceptors } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import { API_DIALECT_CONFIG_KEY } from '@app/http';
import { API_KIND_CONFIG_KEY, type ApiDialect, type ApiKind } from '../request/api-kind';
import { AdminAuditInterceptor } from './admin-audit.interceptor';

/**
 * Marks every route of a controller with its API kind, in the route's Fastify config (read by
 * the request hook and by `ApiAccessGuard` straight from the matched route: no reflection per
 * request). Nest copies route config from handler methods only, so the class decorator writes it
 * onto each handler.
 */
function markRoutes(kind: ApiKind, extra: Record<string, unknown> = {}): ClassDecorator {
  return (target) => {
    const prototype = (target as unknown as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const config = Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ?? {};
      Reflect.defineMetadata(
        FASTIFY_ROUTE_CONFIG_METADATA,
        { ...config, ...extra, [API_KIND_CONFIG_KEY]: kind },
        handler,
      );
    }
  };
}

/**
 * The client API (`/v1/*`, `/ai/*`): keys, model allow-lists, rate limits, request log. `dialect`
 * (default `openai`) is the API the routes speak: their error shape and the `api` metric label.
 */
export const ClientApi = (options: { dialect?: ApiDialect } = {}): ClassDecorator =>
  markRoutes('client', dialectConfig(options.dialect));

/** The Fastify route config of a client API route: what `@ClientApi()` writes on Nest's routes. */
export function clientRouteConfig(dialect?: ApiDialect): Record<string, unknown> {
  return { ...dialectConfig(dialect), [API_KIND_CONFIG_KEY]: 'client' };
}

function dialectConfig(dialect: ApiDialect | undefined): Record<string, unknown> {
  return dialect ? { [API_DIALECT_CONFIG_KEY]: dialect } : {};
}

/** Health and metrics: open, unless METRICS_AUTH=true asks for the admin key. */
export const OpsApi = (): ClassDecorator => markRoutes('ops');

/** An `/admin/…` controller: the admin key, and one audit log line per change. */
export function AdminController(path = ''): ClassDecorator {
  return applyDecorators(
    markRoutes('admin'),
    Controller(path ? `admin/${path}` : 'admin'),
    UseInterceptors(AdminAuditInterceptor),
  );
}
