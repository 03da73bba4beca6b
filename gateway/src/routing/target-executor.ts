import { GatewayError, isClientFault, ProviderError } from '@app/contracts';
import type { RoutingConfig } from '@app/config';
import type { ProviderCallContext } from '../providers/chat-provider';
import { mapTransportError } from '../providers/shared/transport-error';
import { allProvidersFailed } from './all-providers-failed';
import { AttemptController } from './attempt-controller';
import type { CircuitRegistry } from './circuit-registry';
import { providerClientError } from './provider-client-error';
import { RetryPolicy, sleep } from './retry-policy';
import type { ResolvedRoute, ResolvedTarget } from './route-resolver';
import type { AttemptRecord, CallKind, RouterObserver } from './router-observer';

export interface ExecutionResult<T> {
  result: T;
  target: ResolvedTarget;
  attempts: AttemptRecord[];
  /** Still live for streams: the caller keeps using its signal and must dispose it. */
  attempt: AttemptController;
}

export type TargetCall<T> = (
  target: ResolvedTarget,
  context: ProviderCallContext & { markFirstByte: () => void },
  attempt: AttemptController,
) => Promise<T>;

/**
 * Walks a route's targets in order: skips open circuits, retries retryable errors with backoff,
 * records each outcome on the target's breaker, and falls back to the next target. Client faults
 * (400/404/413/422 from a provider) end the walk at once; a client disconnect ends it silently.
 */
export class TargetExecutor {
  private readonly retryPolicy: RetryPolicy;

  constructor(
    private readonly routing: RoutingConfig,
    private readonly circuits: CircuitRegistry,
    private readonly observers: RouterObserver[],
  ) {
    this.retryPolicy = new RetryPolicy({
      maxRetries: routing.maxRetries,
      baseDelayMs: routing.retryBaseDelayMs,
      maxDelayMs: routing.retryMaxDelayMs,
    });
  }

  async execute<T>(
    route: ResolvedRoute,
    kind: CallKind,
    requestId: string,
    clientSignal: AbortSignal,
    call: TargetCall<T>,
  ): Promise<ExecutionResult<T>> {
    const deadline = Date.now() + this.routing.requestTimeoutMs;
    const attempts: AttemptRecord[] = [];
    let previous: string | undefined;
    for (const target of route.targets) {
      const breaker = this.circuits.get(target.provider.id);
      if (!breaker.allowRequest()) {
        this.record(kind, attempts, {
          provider: target.provider.id,
          model: target.model,
          outcome: 'skipped',
          reason: 'circuit open',
          latencyMs: 0,
        });
        continue;
      }
      if (previous)
        this.observers.forEach((observer) => observer.fallback?.(previous!, target.provider.id));
      previous = target.provider.id;
      const outcome = await this.runWithRetries(
        target,
        kind,
        requestId,
        clientSignal,
        deadline,
        attempts,
        call,
      );
      if (outcome) return { ...outcome, target, attempts };
      if (Date.now() >= deadline) break;
    }
    throw allProvidersFailed(attempts);
  }

  /** Resolves with the result, or undefined when this target failed and the next should be tried. */
  private async runWithRetries<T>(
    target: ResolvedTarget,
    kind: CallKind,
    requestId: string,
    clientSignal: AbortSignal,
    deadline: number,
    attempts: AttemptRecord[],
    call: TargetCall<T>,
  ): Promise<{ result: T; attempt: AttemptController } | undefined> {
    const breaker = this.circuits.get(target.provider.id);
    const halfOpenTrial = breaker.snapshot().state !== 'closed';
    for (let retry = 0; ; retry += 1) {
      const attempt = new AttemptController(clientSignal, deadline);
      attempt.armFirstByte(this.routing.firstByteTimeoutMs);
      const started = performance.now();
      const base = { provider: target.provider.id, model: target.model };
      try {
        const result = await call(
          target,
          { signal: attempt.signal, requestId, markFirstByte: attempt.markFirstByte },
          attempt,
        );
        attempt.markFirstByte();
        breaker.recordSuccess();
        this.record(kind, attempts, {
          ...base,
          outcome: 'success',
          latencyMs: performance.now() - started,
        });
        return { result, attempt };
      } catch (thrown) {
        attempt.dispose();
        const error = this.classify(thrown, attempt);
        const latencyMs = performance.now() - started;
        if (error.kind === 'aborted' || clientSignal.aborted) {
          breaker.releaseTrial();
          throw new GatewayError(
            499,
            'Client closed the request',
            'invalid_request_error',
            'client_closed_request',
          );
        }
        if (thrown instanceof GatewayError || isClientFault(error.status)) {
          // The provider is healthy; the request is not. Another provider would reject it too.
          breaker.recordSuccess();
          this.record(kind, attempts, {
            ...base,
            outcome: 'error',
            reason: error.reason,
            status: error.status,
            latencyMs,
          });
          throw thrown instanceof GatewayError
            ? thrown
            : providerClientError(target.provider.id, error);
        }
        this.record(kind, attempts, {
          ...base,
          outcome: 'error',
          reason: error.reason,
          status: error.status,
          latencyMs,
        });
        const delay = halfOpenTrial ? null : this.retryPolicy.delayBeforeRetry(error, retry + 1);
        if (delay === null || Date.now() + delay >= deadline) {
          breaker.recordFailure();
          return undefined;
        }
        try {
          await sleep(delay, clientSignal);
        } catch {
          breaker.releaseTrial();
          throw new GatewayError(
            499,
            'Client closed the request',
            'invalid_request_error',
            'client_closed_request',
          );
        }
      }
    }
  }

  private classify(thrown: unknown, attempt: AttemptController): ProviderError {
    // A fired timer aborts the SDK call, which then throws a generic abort error: report the timer.
    const reason = attempt.abortReason;
    if (reason && !attempt.clientAborted) return reason;
    if (thrown instanceof GatewayError) {
      return new ProviderError(thrown.message, {
        kind: 'http',
        status: thrown.status,
        retryable: false,
      });
    }
    return thrown instanceof ProviderError ? thrown : mapTransportError(thrown, attempt.signal);
  }

  private record(kind: CallKind, attempts: AttemptRecord[], record: AttemptRecord): void {
    attempts.push(record);
    for (const observer of this.observers) observer.attemptFinished?.(kind, record);
  }
}
