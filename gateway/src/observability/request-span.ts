import { GATEWAY, GEN_AI, HTTP } from '@app/tracing';
import { subjectOf } from '../request/principal';
import type { RequestContext } from '../request/request-context';

/**
 * Ends a client request's server span with what the request came to: status, tenant, the
 * provider and model that answered, tokens, cost and the cache result (the same facts as its log
 * line). A 5xx marks the span failed; a 4xx is the client's error, not the server's (HTTP
 * semantic conventions for server spans).
 */
export function finishRequestSpan(context: RequestContext, status: number): void {
  const span = context.span;
  if (!span.recording) {
    span.end();
    return;
  }
  span.setAll({
    [HTTP.status]: status,
    [GATEWAY.tenantId]: subjectOf(context.principal),
    [GATEWAY.api]: context.dialect,
    [GATEWAY.providerId]: context.provider,
    [GEN_AI.responseModel]: context.model,
    [GATEWAY.cacheResult]: context.cache?.toLowerCase(),
    [GEN_AI.inputTokens]: context.promptTokens || undefined,
    [GEN_AI.outputTokens]: context.completionTokens || undefined,
    [GATEWAY.costUsd]: context.costUsd || undefined,
  });
  if (status >= 500) span.fail(String(status));
  span.end();
}
