import { GatewayError } from '@app/contracts';
import type { AttemptRecord } from './router-observer';

/**
 * The error returned when no target answered: 503 when every circuit was open (nothing was tried),
 * 502 otherwise. The message and the `attempts` field list each attempt's provider and reason,
 * never keys or prompts.
 */
export function allProvidersFailed(attempts: AttemptRecord[]): GatewayError {
  const tried = attempts.filter((attempt) => attempt.outcome !== 'skipped');
  const summary = attempts
    .map((attempt) => `${attempt.provider} (${attempt.reason ?? attempt.outcome})`)
    .join('; ');
  const details = {
    attempts: attempts.map(({ provider, model, reason, status }) => ({
      provider,
      model,
      reason,
      status: status ?? null,
    })),
  };
  if (tried.length === 0) {
    return new GatewayError(
      503,
      attempts.length === 0
        ? 'No provider is available for this model'
        : `No provider is available: ${summary}`,
      'service_unavailable',
      'all_providers_unavailable',
      null,
      details,
    );
  }
  return new GatewayError(
    502,
    `All providers failed: ${summary}`,
    'api_error',
    'all_providers_failed',
    null,
    details,
  );
}
