import type { AttemptRecord } from '../../routing/router-observer';

export interface RoutedSummary {
  provider: string;
  model: string;
  attempts: AttemptRecord[];
  /** `x-cache`, when the response cache is on. */
  cache?: 'HIT' | 'MISS';
  /** `x-gateway-cost-usd`, when known before the body is sent (non-stream answers). */
  costUsd?: number;
}

/** Who answered (and, with the production controls, cache status and cost): on every routed response. */
export function gatewayHeaders(routed: RoutedSummary): Record<string, string> {
  const headers: Record<string, string> = {
    'x-gateway-provider': routed.provider,
    'x-gateway-model': routed.model,
    'x-gateway-attempts': String(
      routed.attempts.filter((attempt) => attempt.outcome !== 'skipped').length,
    ),
  };
  if (routed.cache) headers['x-cache'] = routed.cache;
  if (routed.costUsd !== undefined) headers['x-gateway-cost-usd'] = routed.costUsd.toFixed(8);
  return headers;
}
