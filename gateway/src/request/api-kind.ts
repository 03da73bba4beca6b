import { dialectOf } from '@app/http';
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

/**
 * The client API's dialects: OpenAI's Chat Completions (and the rest of `/v1`, `/ai`), OpenAI's
 * Responses, Anthropic's Messages. A route declares it (`@ClientApi({ dialect })`); it names the
 * error shape the route answers in and the `api` label of the request metrics.
 */
export type ApiDialect = 'openai' | 'responses' | 'anthropic';

const DIALECTS = new Set<string>(['openai', 'responses', 'anthropic']);

export function apiDialectOf(request: FastifyRequest): ApiDialect {
  const dialect = dialectOf(request);
  return dialect !== undefined && DIALECTS.has(dialect) ? (dialect as ApiDialect) : 'openai';
}

export function apiKindOf(request: FastifyRequest): ApiKind {
  const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
  return (config?.[API_KIND_CONFIG_KEY] as ApiKind | undefined) ?? 'public';
}
