import type { AttemptRecord } from '../routing/router-observer';

/** Who answered: on every routed response. */
export function gatewayHeaders(routed: { provider: string; model: string; attempts: AttemptRecord[] }): Record<string, string> {
  return {
    'x-gateway-provider': routed.provider,
    'x-gateway-model': routed.model,
    'x-gateway-attempts': String(routed.attempts.filter((attempt) => attempt.outcome !== 'skipped').length),
  };
}
