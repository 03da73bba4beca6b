import type { FastifyRequest } from 'fastify';

/**
 * What a route is, as declared by its controller's decorator (`@ClientApi()`,
 * `@AdminController()`, `@OpsApi()` in `access/`):
 * - `client`: the API tenants call (`/v1/*`, `/ai/*`): keys, limits, budgets, request log;
 * - `admin`: `/admin/*`, the admin key;
 * - `ops`: health and metrics, open unless METRICS_AUTH asks for the admin key;
 * - `public`: anything undeclared (and unknown paths): no checks.
 */
export type ApiKind = 'client' | 'admin' | 'ops' | 'public';

/**
 * The key of the kind in Fastify's per-route config. Fastify resolves the route before its
 * `onRequest` hooks run, so the kind is known even for requests rejected before any guard (413).
 */
export const API_KIND_CONFIG_KEY = 'gatewayApi';

export function apiKindOf(request: FastifyRequest): ApiKind {
  const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
  return (config?.[API_KIND_CONFIG_KEY] as ApiKind | undefined) ?? 'public';
}
