import { GATEWAY, NOOP_SPAN, type TraceSpan } from '@app/tracing';
import type { ResolvedRoute } from './route-resolver';

/**
 * Route resolution, as a `gateway.route` span of the request when tracing is on: the alias or
 * model asked for and the targets it resolved to, or the error that refused it.
 */
export function resolveTraced(parent: TraceSpan, resolve: () => ResolvedRoute): ResolvedRoute {
  if (parent === NOOP_SPAN) return resolve();
  const span = parent.child('gateway.route');
  try {
    const route = resolve();
    span.setAll({
      [GATEWAY.route]: route.requested,
      [GATEWAY.routeTargets]: route.targets.map(
        (target) => `${target.provider.id}/${target.model}`,
      ),
    });
    return route;
  } catch (error) {
    span.fail((error as { code?: string }).code ?? 'route_error');
    throw error;
  } finally {
    span.end();
  }
}
